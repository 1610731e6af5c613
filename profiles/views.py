"""The applicant journey: questions, check your answers, result and share link.

Every page works as plain HTML forms (POST, redirect, GET); with JavaScript, htmx swaps
only the question region and keeps the browser's history.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_cookie
from django_htmx.http import HttpResponseLocation
from django_htmx.middleware import HtmxDetails

from config.page_cache import page_get, page_set
from config.ratelimit import report_limit, result_create_limit
from profiles import comparison, questions, services
from profiles.forms import ReportForm
from profiles.models import Questionnaire, Result
from visas import selectors, vocabulary, wording
from visas import services as visas_services
from visas.vocabulary import Priority, answer_key_parse

SESSION_QUESTIONNAIRE = "questionnaire_id"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# The results this browser created, in a signed cookie of their own: the result page can
# tell its creator without reading the session (one database round trip less per view).
OWNED_COOKIE = "owned_results"
OWNED_MAX = 20  # the newest ones; keeps the cookie well under 4 KB
QUESTION_REGION = "#question"


def _questionnaire(request: HtmxHttpRequest) -> tuple[Questionnaire | None, questions.InUse]:
    """This browser's questionnaire, if it has one, and the facts the programs' rules read
    (which questions to ask). One query for both when the questionnaire was made in this
    session: found by the session's key, with a check that the session is live, the session
    itself is not read. (Pages showing it vary on the cookie: see ``vary_on_cookie``.)"""
    key = request.session.session_key  # from the cookie, if it could be a key; no query
    questionnaire, versions = services.questionnaire_of_session(session_key=key)
    if questionnaire is None and key is not None:
        # Made before sessions had keys, or before this session's key changed: by the id the
        # session keeps (an expired session keeps none).
        questionnaire_id = request.session.get(SESSION_QUESTIONNAIRE)
        if questionnaire_id is not None:
            questionnaire, versions = services.questionnaire_get(questionnaire_id=questionnaire_id)
    return questionnaire, selectors.facts_in_use(versions=versions)


def _session_key(request: HtmxHttpRequest) -> str:
    """This browser session's key, the session stored first if it is new."""
    if request.session.session_key is None:
        request.session.save()
    return str(request.session.session_key)


def _step_url(step: questions.Step, *, change: bool = False) -> str:
    url = _step_path(
        step.slug, get_resolver(get_urlconf()), get_script_prefix(), translation.get_language()
    )
    return f"{url}?change=1" if change else url


@functools.lru_cache(maxsize=256)
def _step_path(slug: str, resolver: URLResolver, script_prefix: str, language: str) -> str:
    """A step's path, kept per URL configuration, script prefix and language (what else
    reverse() reads): the answers page links to every step, and reversing each of them
    took a tenth of the page's time."""
    return reverse("profiles:step", kwargs={"step_slug": slug})


def _go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Move on: htmx swaps the next question into the region; without JavaScript, redirect."""
    if request.htmx:
        return HttpResponseLocation(url, target=QUESTION_REGION, swap="outerHTML")
    return redirect(url)


@require_GET
@vary_on_cookie
def start(request: HtmxHttpRequest) -> HttpResponse:
    """Explain the questions before the first one, or offer to carry on."""
    questionnaire, in_use = _questionnaire(request)
    answers = questionnaire.answers if questionnaire else {}
    resume = questions.first_unanswered(answers, in_use=in_use) if answers else None
    return render(
        request,
        "profiles/start.html",
        {
            "first_url": _step_url(questions.applicable_steps({}, in_use=in_use)[0]),
            "has_answers": bool(answers),
            "resume_url": _step_url(resume) if resume else reverse("profiles:answers"),
        },
    )


@require_POST
def restart(request: HtmxHttpRequest) -> HttpResponse:
    """Forget this browser's answers and begin again."""
    questionnaire, in_use = _questionnaire(request)
    if questionnaire is not None:
        questionnaire.delete()
    request.session.pop(SESSION_QUESTIONNAIRE, None)
    return redirect(_step_url(questions.applicable_steps({}, in_use=in_use)[0]))


@require_http_methods(["GET", "POST"])
@vary_on_cookie
def question_step(request: HtmxHttpRequest, step_slug: str) -> HttpResponse:
    """Show one question; on a valid answer save it and go to the next step that applies."""
    questionnaire, in_use = _questionnaire(request)
    answers = questionnaire.answers if questionnaire else {}
    step = questions.step_get(step_slug, answers=answers, in_use=in_use)
    change = request.GET.get("change") == "1"
    if request.method == "POST":
        form_class = step.form_for(in_use)
        form = form_class(request.POST)
        if form.is_valid():
            saved = services.questionnaire_answer_save(
                questionnaire=questionnaire,
                step=step,
                data=form.to_answers(),
                session_key=_session_key(request),
            )
            # The session keeps the id of a questionnaire it did not find by its key (a new
            # one: in case the key changes), and only if it changed: saving the session is a
            # transaction of its own.
            if (
                questionnaire is None or questionnaire.session_key != request.session.session_key
            ) and request.session.get(SESSION_QUESTIONNAIRE) != saved.pk:
                request.session[SESSION_QUESTIONNAIRE] = saved.pk
            return _go(request, _next_url(step, saved.answers, change=change, in_use=in_use))
    else:
        form_class = step.form_for(in_use)
        form = form_class(initial=form_class.initial_from(answers))

    number, total = questions.step_position(step, answers=answers, in_use=in_use)
    previous = questions.previous_step(step, answers=answers, in_use=in_use)
    if change:
        back_url = reverse("profiles:answers")
    elif previous is not None:
        back_url = _step_url(previous)
    else:
        back_url = reverse("profiles:start")
    template = "profiles/step.html#question" if request.htmx else "profiles/step.html"
    return render(
        request,
        template,
        {
            "step": step,
            "form": form,
            "number": number,
            "total": total,
            "back_url": back_url,
            "action_url": _step_url(step, change=change),
            "single_field": len(form.fields) == 1 or form.one_question,
            "asked_for": questions.programs_asking(step, in_use),
        },
    )


def _next_url(
    step: questions.Step, answers: dict[str, object], *, change: bool, in_use: questions.InUse
) -> str:
    """Where to go after answering: the next step, or back to the answers when changing one."""
    if change:
        missing = questions.first_unanswered(answers, in_use=in_use)
        return _step_url(missing, change=True) if missing else reverse("profiles:answers")
    following = questions.next_step(step, answers=answers, in_use=in_use)
    return _step_url(following) if following else reverse("profiles:answers")


def _answer_rows(answers: dict[str, object], in_use: questions.InUse) -> list[dict[str, str]]:
    rows = []
    # One sentence for translators, as {% blocktranslate %} gives them, made here: that tag,
    # once a row, was a tenth of the page's work. Trusted as the tag trusts a translation;
    # the question put into it is escaped.
    change = gettext('Change<span class="visually-hidden"> %(question)s</span>')
    for step in questions.applicable_steps(answers, in_use=in_use):
        change_url = _step_url(step, change=True)
        for key in step.keys_in_use(in_use):
            if key == questions.PRIORITIES:
                chosen = answers.get(key)
                labels = [
                    gettext(Priority(p).label)
                    for p in (chosen if isinstance(chosen, list) else [])
                    if p in Priority._value2member_map_
                ]
                value = ", ".join(labels) if labels else gettext("No particular priority")
                question = gettext("Your priorities")
            else:
                parsed = answer_key_parse(key)
                if parsed is None:
                    continue
                fact, fact_key = parsed
                value = (
                    wording.value_label(fact, answers[key], fact_key)
                    if key in answers
                    else gettext("Not answered")
                )
                question = wording.fact_label(fact, fact_key)
            rows.append(
                {
                    "question": question,
                    "answer": value,
                    "change_url": change_url,
                    "change_label": mark_safe(
                        change % {"question": conditional_escape(question.lower())}
                    ),
                }
            )
    return rows


@require_http_methods(["GET", "POST"])
@vary_on_cookie
def answers(request: HtmxHttpRequest) -> HttpResponse:
    """Check your answers; confirming them creates a result with a share link."""
    questionnaire, in_use = _questionnaire(request)
    if questionnaire is None or not questionnaire.answers:
        return redirect("profiles:start")
    missing = questions.first_unanswered(questionnaire.answers, in_use=in_use)
    if request.method == "POST":
        if missing is not None:
            messages.warning(request, gettext("Answer this question before you see your result."))
            return redirect(_step_url(missing))
        result_create_limit(request)  # only confirmations that create a result count
        result = services.result_create(answers=questionnaire.answers)
        return _owned_set(request, redirect(result), [*_owned_tokens(request), result.token])
    template = "profiles/answers.html#question" if request.htmx else "profiles/answers.html"
    return render(
        request,
        template,
        {
            "rows": _answer_rows(questionnaire.answers, in_use),
            "missing_url": _step_url(missing) if missing else "",
        },
    )


def _owned_tokens(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(OWNED_COOKIE, default="", salt=OWNED_COOKIE) or ""
    return [token for token in value.split(",") if token]


def _owned_set(request: HttpRequest, response: HttpResponse, tokens: list[str]) -> HttpResponse:
    response.set_signed_cookie(
        OWNED_COOKIE,
        ",".join(tokens[-OWNED_MAX:]),
        salt=OWNED_COOKIE,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _owned(request: HttpRequest, token: str) -> bool:
    return token in _owned_tokens(request)


@require_GET
def result(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A result, read-only for anyone with the link; its creator may delete it."""
    # One round trip: the result (its large snapshot only if the page must be rendered) with
    # the programs' current revisions.
    result = get_object_or_404(
        Result.objects.only(
            "token", "revisions", "priorities", "evaluated_on", "last_viewed_at", "answers"
        ).annotate(current_revisions=selectors.program_revisions_expression()),
        token=token,
    )
    services.result_mark_viewed(result=result)
    current: dict[str, int] = result.current_revisions  # type: ignore[attr-defined]
    changed_slugs = {slug for slug, rev in result.revisions.items() if current.get(slug) != rev}
    requested = sorted(set(request.GET.getlist("programs")) & set(result.revisions))
    currency = _display_currency(request, result.answers)
    is_owner = _owned(request, token)
    # The snapshot never changes, so its rendering can be reused: but not a page that offers a
    # re-check (it carries a form token) or shows a one-off message.
    cacheable = not changed_slugs and not list(messages.get_messages(request))
    cache_key = (
        f"result-page-gz:{token}:{','.join(requested) or '-'}:{currency or '-'}:{int(is_owner)}:"
        f"{translation.get_language()}:{request.get_host()}"
    )
    response = page_get(request, cache_key) if cacheable else None
    if response is None:
        results = services.result_evaluations(result)
        # Only the programs shown as columns are worded in full; every program is summed up
        # in a line in the overview.
        chosen = comparison.columns_choose(results, requested)
        columns = [wording.program_view(r.program, r, today=result.evaluated_on) for r in chosen]
        rates = selectors.exchange_rates() if currency else ()
        response = render(
            request,
            "profiles/result.html",
            {
                "result": result,
                "overview": comparison.overview(
                    [wording.program_summary(r.program, r) for r in results]
                ),
                "costs": [
                    [
                        wording.cost_sentence(cost, currency, rates)
                        for cost in wording.costs(r.program, r)
                    ]
                    for r in chosen
                ],
                "currency": currency,
                "currencies": [(c.value, wording.label(c)) for c in vocabulary.Currency],
                "rates_date": max((rate.as_of for rate in rates), default=None),
                "columns": columns,
                "rows": comparison.rows_build(columns, priorities=result.priorities),
                "has_points": any(view.points for view in columns),
                "other_programs": [r.program for r in results],
                "shown_slugs": [view.slug for view in columns],
                "deciding": comparison.deciding_answers(results, result.answers),
                "other_caveats": [comparison.shown_elsewhere(view) for view in columns],
                "changed_programs": [
                    r.program.name for r in results if r.program.slug in changed_slugs
                ],
                "is_owner": is_owner,
                "share_url": request.build_absolute_uri(result.get_absolute_url()),
            },
        )
        if cacheable:
            page_set(cache_key, response)
    # Personal answers: kept by no shared cache or browser. Set here, on cached pages too.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _display_currency(request: HttpRequest, answers: dict[str, object]) -> str:
    """The currency amounts are also shown in: the one picked ("" for none), else that of the
    applicant's citizenship."""
    if "currency" in request.GET:
        picked = request.GET["currency"]
        return picked if picked in {c.value for c in vocabulary.Currency} else ""
    home = vocabulary.COUNTRY_CURRENCY.get(str(answers.get(vocabulary.Fact.CITIZENSHIP, "")))
    return home.value if home else ""


@require_POST
def result_recheck(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Evaluate the same answers against today's rules, as a new result."""
    old = get_object_or_404(Result, token=token)
    result_create_limit(request)
    new = services.result_create(answers=old.answers)
    return _owned_set(request, redirect(new), [*_owned_tokens(request), new.token])


@require_http_methods(["GET", "POST"])
def result_delete(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Ask, then delete a result; only the browser that created it may."""
    result = get_object_or_404(Result, token=token)
    if not _owned(request, token):
        raise Http404("Only the person who created this result can delete it.")
    if request.method == "POST":
        services.result_delete(result=result)  # its cached pages die with it: 404 comes first
        messages.success(request, gettext("Your result and its link have been deleted."))
        remaining = [t for t in _owned_tokens(request) if t != token]
        response = _owned_set(request, redirect("profiles:start"), remaining)
    else:
        response = render(request, "profiles/result_delete.html", {"result": result})
        response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def report(request: HtmxHttpRequest, kind: str, item_id: int) -> HttpResponse:
    """Tell the advisers that an item of a public page is wrong or out of date."""
    item = selectors.reported_item_get(kind=kind, item_id=item_id)
    if item is None:
        raise Http404("There is no such item; it may have been removed.")
    # From a result page: its answers may be attached, but only if the reporter ticks the box.
    token = (request.POST.get("result") or request.GET.get("result") or "")[:64]
    result = Result.objects.filter(token=token).only("token", "answers").first() if token else None
    form = ReportForm(
        request.POST if request.method == "POST" else None, with_result=result is not None
    )
    if form.is_valid():
        report_limit(request)
        if not form.is_robot:  # a filled-in trap field: thanked, not recorded
            attach = result is not None and form.cleaned_data.get("attach_answers")
            visas_services.report_create(
                item=item,
                message=form.cleaned_data["message"],
                source_url=form.cleaned_data["source_url"],
                email=form.cleaned_data["email"],
                answers=result.answers if attach and result is not None else None,
            )
        back = result.get_absolute_url() if result else _program_url(item.program_slug)
        return redirect(f"{reverse('profiles:report_sent')}?{urlencode({'back': back})}")
    response = render(
        request,
        "profiles/report.html",
        {
            "item": item,
            "form": form,
            "result": result,
            "back_url": result.get_absolute_url() if result else _program_url(item.program_slug),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _program_url(slug: str) -> str:
    return reverse("visas:program_detail", kwargs={"slug": slug})


@require_GET
def report_sent(request: HttpRequest) -> HttpResponse:
    """Thank the reporter, with a way back to where they were."""
    back = request.GET.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = reverse("visas:program_list")
    response = render(request, "profiles/report_sent.html", {"back_url": back})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
