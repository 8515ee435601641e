"""Ask the model about every reviewed file, in parallel, and merge what it says.

`second_opinion` never raises because of the model: an endpoint that fails
after its retries, or an answer that is still invalid after one corrective
retry, becomes a diagnostic for that file (kind `llm-unavailable`) and the
file keeps exactly its static review. Configuration errors (a URL that is not
http/https) raise `LLMError` before any request is made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from secreview.core.model import Diagnostic, DiagnosticKind, FileReview, Review, SecondOpinion, TokenUsage
from secreview.llm.cache import AnswerCache, cache_key
from secreview.llm.client import ChatClient, LLMError
from secreview.llm.merge import EVERYTHING, merge_file
from secreview.llm.parse import Answer, InvalidAnswer, parse_answer
from secreview.llm.prompt import PROMPT_VERSION, Prompt, build_prompts, feedback
from secreview.llm.settings import LLMSettings
from secreview.review.verdicts import project_verdicts
from secreview.settings.config import Thresholds
from secreview.sources.parse import parse_file


@dataclass
class _Outcome:
    prompt: Prompt
    answer: Answer | None = None
    problem: str = ""
    usage: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # prompt, completion, requests, cached


def _ask(client: ChatClient, cache: AnswerCache, settings: LLMSettings, prompt: Prompt) -> _Outcome:
    """One part: cached answer, or ask; one corrective retry when the answer is invalid."""
    outcome = _Outcome(prompt)
    static_ids = {ident for ident, _ in prompt.static}
    key = cache_key(PROMPT_VERSION, settings.model, prompt.messages)
    cached = cache.get(key)
    if cached is not None:
        try:
            answer = parse_answer(cached.text, prompt.shown, static_ids)
        except InvalidAnswer:
            answer = None
        if answer is not None and not answer.problems:
            outcome.answer = answer
            outcome.usage[3] += 1
            return outcome
    messages = list(prompt.messages)
    problems: list[str] = []
    for attempt in range(2):
        try:
            completion = client.complete(messages)
        except LLMError as exc:
            outcome.problem = f"second opinion unavailable: {exc}"
            return outcome
        outcome.usage[0] += completion.prompt_tokens
        outcome.usage[1] += completion.completion_tokens
        outcome.usage[2] += 1
        try:
            answer = parse_answer(completion.text, prompt.shown, static_ids)
            problems = answer.problems
        except InvalidAnswer as exc:
            answer, problems = None, [str(exc)]
        if answer is not None and not problems:
            cache.put(key, completion)
            outcome.answer = answer
            return outcome
        if attempt == 0:
            messages += [{"role": "assistant", "content": completion.text},
                         {"role": "user", "content": feedback(problems)}]
    if answer is None:
        outcome.problem = f"the model's answer was invalid twice ({problems[0]}); no second opinion for this part"
    else:
        outcome.answer = answer  # the valid parts stand; the rest is reported
        outcome.problem = f"rejected parts of the model's answer: {'; '.join(problems[:5])}"
    return outcome


def _guarded(client: ChatClient, cache: AnswerCache, settings: LLMSettings, prompt: Prompt) -> _Outcome:
    """`_ask`, with any unexpected failure turned into a problem for that part (type only: no texts)."""
    try:
        return _ask(client, cache, settings, prompt)
    except Exception as exc:  # noqa: BLE001 - any bug: this part loses its answer, the run goes on
        return _Outcome(prompt, problem=f"second opinion failed: internal error {type(exc).__name__}")


def _source(file_review: FileReview, sources: Mapping[str, str] | None) -> str | Diagnostic:
    if sources is not None and file_review.path in sources:
        return sources[file_review.path]
    parsed = parse_file(file_review.path)
    return parsed if isinstance(parsed, Diagnostic) else parsed.source


def second_opinion(
    review: Review,
    settings: LLMSettings,
    thresholds: Thresholds = EVERYTHING,
    sources: Mapping[str, str] | None = None,
    client: ChatClient | None = None,
) -> Review:
    """The review with the model's findings, notes and disagreements added (see `merge`)."""
    client = client or ChatClient(settings)
    cache = AnswerCache(settings.cache_path() if settings.use_cache else None)
    diagnostics: list[Diagnostic] = []
    work: list[tuple[FileReview, str, list[Prompt]]] = []
    for file_review in review.files:
        if not file_review.reviewed:
            continue
        source = _source(file_review, sources)
        if isinstance(source, Diagnostic):
            diagnostics.append(Diagnostic(file_review.path, DiagnosticKind.LLM,
                                          f"second opinion skipped: {source.message}"))
            continue
        work.append((file_review, source, build_prompts(file_review.path, source, file_review,
                                                          settings.max_chunk_lines)))
    prompts = [p for _, _, file_prompts in work for p in file_prompts]
    with ThreadPoolExecutor(max_workers=max(1, settings.concurrency)) as pool:
        outcomes = list(pool.map(lambda p: _guarded(client, cache, settings, p), prompts))
    by_prompt = {id(o.prompt): o for o in outcomes}
    totals = [sum(o.usage[i] for o in outcomes) for i in range(4)]
    merged: dict[str, FileReview] = {}
    disagreements = []
    opinions = []
    for file_review, source, file_prompts in work:
        results = []
        for prompt in file_prompts:
            outcome = by_prompt[id(prompt)]
            if outcome.problem:
                part = f" (part {prompt.chunk.index + 1} of {prompt.chunk.count})" if prompt.chunk.count > 1 else ""
                diagnostics.append(Diagnostic(file_review.path, DiagnosticKind.LLM, outcome.problem + part))
            if outcome.answer is not None:
                results.append((prompt, outcome.answer))
        try:
            new_review, disagreed, verdicts = merge_file(file_review, source, results, thresholds)
        except Exception as exc:  # noqa: BLE001 - a bug here must not cost the file its static review
            diagnostics.append(Diagnostic(file_review.path, DiagnosticKind.LLM,
                                          f"second opinion not merged: internal error {type(exc).__name__}"))
            continue
        merged[file_review.path] = new_review
        disagreements.extend(disagreed)
        if verdicts:
            opinions.append((file_review.path, verdicts))
    files = tuple(merged.get(f.path, f) for f in review.files)
    return dataclasses.replace(
        review,
        files=files,
        verdicts=project_verdicts([(f.findings, f.facts) for f in files]),
        diagnostics=review.diagnostics + tuple(diagnostics),
        second_opinion=SecondOpinion(
            model=settings.model,
            prompt_version=PROMPT_VERSION,
            disagreements=tuple(disagreements),
            usage=TokenUsage(*totals),
            opinions=tuple(opinions),
        ),
    )
