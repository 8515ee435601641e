"""A second opinion from a language model over an OpenAI-compatible endpoint.

Never a replacement for the static review: the model's answer is validated
against the file (lines exist, quoted code matches), merged so that it can
only add findings (marked `source="llm"`, at most medium confidence) or add
context to static ones, and every disagreement is listed. Submodules:

- `chunks`: long files split by function/class with shared context;
- `prompt`: the versioned templates in `prompts/` filled for one chunk;
- `settings`: endpoint, model and patience (the API key only from the environment);
- `client`: the HTTP client (time-outs, retries, back-off, Retry-After);
- `parse`: defensive parsing and validation of the model's answer;
- `cache`: answers on disk keyed by prompt version, model and prompt hash;
- `merge`: the rules for combining the answer with the static review;
- `run`: `second_opinion(review, settings)`, what `api.apply_llm` calls.

Text in the reviewed code that addresses an AI reviewer is found without a model,
by `secreview.analysis.injection_text` (the `llm-prompt-injection-text` rule).

Layer 7 of docs/architecture.md. May import every lower layer; only the API and the front ends import it.
"""
