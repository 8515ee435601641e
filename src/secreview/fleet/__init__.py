"""Review a fleet of projects on Ray: `secreview fleet PROJECT... --output-dir DIR`.

Modules, in the order a run uses them:

* `projects`: the PROJECT arguments (directories, archives, @FILE lists) and report names;
* `archives`: unpacking a source archive safely (no escape, no links, bounds against bombs);
* `prepare`: on the driver, each project's configuration, files, bytes, input key and batches;
* `worker`: what Ray tasks run (review a batch from bytes, link a project);
* `run`: the driver loop (Ray session, scheduling, time budgets, retries, resuming);
* `outputs`: per-project reports, `summary.json` (schema `summary.schema.json`) and `index.html`.

Ray is an optional dependency (`pip install 'secreview[fleet]'`); only `run`
imports it, and only when a fleet review starts. See docs/fleet.md.

Layer 9 of docs/architecture.md, a front end like the command line. May import: the API and every layer
below it.
"""
