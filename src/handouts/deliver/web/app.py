"""The pages: the front desk's (find a condition, show and print its handout) and the
practitioner's (a personal aftercare sheet: preview, download or email).

Every document is made by handouts.deliver.documents, exactly as the CLI makes it, in memory.
Personal
data arrives only in POST bodies (never in URLs, so never in any log) and leaves only in the
response or the email; nothing is written to disk.
"""

from __future__ import annotations

import functools
import logging
import secrets
import traceback
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from flask import Flask, Response, abort, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from handouts.compose.composer import KINDS, email_text
from handouts.content.fontfiles import font_families, font_path
from handouts.content.model import Library
from handouts.deliver.build import Options
from handouts.deliver.web.answers import Answers
from handouts.deliver.web.guard import Guard, csrf_token
from handouts.deliver.web.site import Site
from handouts.deliver.web.texts import Texts, ui_languages
from handouts.errors import HandoutsError

log = logging.getLogger(__name__)
PAPERS = ("a4", "letter")
MAX_FORM = 64 * 1024  # a sheet's fields are small; anything bigger is not ours
MAX_QUERY = 100


@dataclass(frozen=True)
class Choice:
    """A condition as the pages offer it: its title in every language."""

    slug: str
    titles: dict[str, str]
    points: tuple[str, ...]
    search: str  # what a search matches against (normalized)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or next(iter(self.titles.values()))

    def ordered(self, lang: str) -> list[tuple[str, str]]:
        """(language, title), the page's language first."""
        return sorted(self.titles.items(), key=lambda item: item[0] != lang)


def normalize(text: str) -> str:
    """Search text: compatibility forms folded (full-width Latin, half-width kana), no case."""
    return unicodedata.normalize("NFKC", text).casefold()


def create_app(site: Site, *, token: str | None = None, hosts: set[str] | None = None) -> Flask:
    """The page for `site`; `token`: clients must sign in with it; `hosts`: the Host header
    values accepted (None: any)."""

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_FORM,
        SESSION_COOKIE_NAME="handouts",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_FORM_MEMORY_SIZE=MAX_FORM,
    )
    guard = Guard(app, token=token, hosts=hosts)

    # -- per request ------------------------------------------------------------------------
    def library() -> Library:
        current = site.current()
        if current is None:
            abort(503)
        return current

    def texts() -> Texts:
        if "texts" not in g:
            codes = ui_languages(site.library)
            asked = request.args.get("ui") or request.cookies.get("ui")
            lang = (
                asked
                if asked in codes
                else (
                    request.accept_languages.best_match(codes)
                    or (site.library.settings.source_language if site.library else "en")
                )
            )
            g.texts = Texts(site.library, lang)
        return g.texts

    @app.context_processor
    def common():
        t = texts()
        current = site.library
        clinic = (
            str(current.languages[t.lang].clinic.name)
            if current is not None and t.lang in current.languages
            else "handouts"
        )
        return {
            "t": t,
            "clinic": clinic,
            "ui_choices": _ui_choices(current),
            "csrf_token": csrf_token,
        }

    answers = Answers()

    @app.after_request
    def post_redirect_get(response):
        """Every answer to a POST is fetched by a GET (see answers.py): no browser keeps the
        posted form. Redirects (signing in and out) are answers already."""
        if request.method != "POST" or 300 <= response.status_code < 400:
            return response
        from flask import session

        owner = session.setdefault("owner", secrets.token_urlsafe(16))
        kept = [
            (k, v)
            for k, v in response.headers.items()
            if k in ("Content-Type", "Content-Disposition")
        ]
        key = answers.put(owner, response.status_code, kept, response.get_data())
        return redirect(url_for("answer", key=key), 303)

    @app.get("/answer/<key>")
    def answer(key: str):
        from flask import session

        kept = answers.get(session.get("owner", ""), key)
        if kept is None:
            return result(texts().answer_expired, 404)
        return Response(kept.body, status=kept.status, headers=list(kept.headers))

    @app.after_request
    def remember_ui(response):
        asked = request.args.get("ui")
        if asked and asked in ui_languages(site.library):
            response.set_cookie("ui", asked, samesite="Strict", httponly=True, max_age=365 * 86400)
        return response

    # -- front desk ---------------------------------------------------------------------------
    @app.get("/")
    def front_desk():
        lib = library()
        t = texts()
        query = request.args.get("q", "").strip()[:MAX_QUERY]
        everything = _choices(lib)
        shown = [c for c in everything if normalize(query) in c.search] if query else everything
        picked = request.args.get("condition")
        selected = {
            "condition": picked if picked in lib.conditions else (shown or everything)[0].slug,
            "lang": _pick(request.args.get("lang"), sorted(lib.languages), t.lang),
            "kind": _pick(request.args.get("kind"), KINDS, "handout"),
            "paper": _pick(request.args.get("paper"), PAPERS, "a4"),
            "large": request.args.get("large") == "1",
        }
        # ?show=1 opens the chosen document at once (a link from elsewhere, a bookmark).
        showing = None
        if request.args.get("show") == "1":
            showing = url_for(
                "document",
                condition=selected["condition"],
                lang=selected["lang"],
                kind=selected["kind"],
                paper=selected["paper"],
                **({"large": "1"} if selected["large"] else {}),
            )
        return render_template(
            "desk.html",
            choices=everything,
            shown={c.slug for c in shown},
            query=query,
            selected=selected,
            languages=_languages(lib),
            kinds=_kind_labels(lib, t.lang),
            showing=showing,
        )

    @app.get("/pdf")
    def document():
        """A generic document (no personal data, so a GET the browser may show and print)."""
        lib = library()
        lang, slug = request.args.get("lang", ""), request.args.get("condition", "")
        kind = _pick(request.args.get("kind"), KINDS, None)
        paper = _pick(request.args.get("paper"), PAPERS, None)
        if kind is None or paper is None:
            abort(400)
        try:
            data = site.generic(
                lib, lang, slug, kind, Options(paper, request.args.get("large") == "1")
            )
        except HandoutsError as exc:
            return result(exc.format_message(), 422)
        name = email_text(lib, lang, slug, kind).attachment_name
        return pdf_response(data, name, inline=True)

    # -- practitioner ---------------------------------------------------------------------------
    @app.get("/aftercare")
    def aftercare():
        from handouts.clock import today
        from handouts.deliver.web.bodymap import BADGE_RADIUS, body_views

        lib = library()
        t = texts()
        picked = request.args.get("condition")
        return render_template(
            "aftercare.html",
            choices=_choices(lib),
            languages=_languages(lib),
            selected={
                "condition": picked if picked in lib.conditions else lib.conditions[0],
                "lang": _pick(request.args.get("lang"), sorted(lib.languages), t.lang),
            },
            today=today().isoformat(),
            views=body_views(lib),
            codes=_codes(lib, t.lang),
            names=_point_names(lib, t.lang),
            points_lang=_points_lang(lib, t.lang),
            badge_radius=BADGE_RADIUS,
        )

    @app.post("/aftercare/sheet")
    def sheet():
        lib = library()
        t = texts()
        form = request.form
        action = form.get("action")
        paper = _pick(form.get("paper"), PAPERS, None)
        if action not in ("preview", "download", "email") or paper is None:
            abort(400)
        lang, slug = form.get("lang", ""), form.get("condition", "")
        codes = [*form.getlist("point"), form.get("points", "")]
        fields = {
            "patient": _given(form.get("patient")),
            "date": _given(form.get("date")),
            "practitioner": _given(form.get("practitioner")),
            "next_visit": _given(form.get("next", "").replace("T", " ")),
            "note": _given(form.get("note")),
            "points": ",".join(c for c in codes if c.strip()) or None,
        }
        from handouts.deliver import mail
        from handouts.deliver.documents import email_message, make

        try:
            if action == "email":
                to = (form.get("to") or "").strip()
                if not to:
                    return result(t.email_needs_address, 422)
                recipient = mail.validate_address(to)
                config = mail.SmtpConfig.from_env()
            made = make(
                lib, lang, slug, "aftercare", Options(paper, form.get("large") == "1"), fields
            )
            name = email_text(lib, lang, slug, "aftercare").attachment_name
            if action != "email":
                return pdf_response(made.data, name, inline=action == "preview")
            message, _ = email_message(lib, lang, slug, "aftercare", recipient, made)
            mail.send(message, config)
        except HandoutsError as exc:
            return result(exc.format_message(), 422)
        lines = [t("sent", to=recipient)]
        if made.personal is not None and made.personal.next_visit is not None:
            lines.append(t.sent_calendar)
        return result(" ".join(lines), 200, ok=True)

    # -- fonts: the bundled ones, so Japanese shows on any computer ------------------------------
    @app.get("/fonts.css")
    def font_css():
        lib = site.library
        rules = []
        for family, files in sorted(font_families().items()):
            for weight, number in (("regular", 400), ("bold", 700)):
                if weight in files:
                    url = url_for("font", family=family, weight=weight)
                    rules.append(
                        f'@font-face {{ font-family: "{family}"; font-weight: {number}; '
                        f'font-display: swap; src: url("{url}") format("truetype"); }}'
                    )
        for code, language in sorted(lib.languages.items()) if lib is not None else ():
            rules.append(f':lang({code}) {{ font-family: "{language.style.font}", sans-serif; }}')
        return Response("\n".join(rules) + "\n", mimetype="text/css")

    @app.get("/fonts/<family>/<weight>.ttf")
    def font(family: str, weight: str):
        """Only the font files fonts/fonts.yaml names; nothing else on disk is reachable."""
        files = font_families().get(family)
        if files is None or weight not in ("regular", "bold") or weight not in files:
            abort(404)
        return Response(_font_bytes(family, weight), mimetype="font/ttf")

    # -- signing in (only when serving beyond this computer) ----------------------------------
    @app.route("/login", methods=["GET", "POST"], endpoint="sign_in")
    def sign_in():
        if guard.token is None:
            return redirect(url_for("front_desk"))
        problem = None
        target = request.args.get("next", "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"  # only our own pages
        if request.method == "POST":
            problem = guard.sign_in(request.form.get("token", ""))
            if problem is None:
                return redirect(target)
        return render_template(
            "login.html", problem=problem and texts()(problem), next=target
        ), 401 if problem else 200

    @app.post("/logout")
    def sign_out():
        from flask import session

        session.clear()
        return redirect(url_for("sign_in"))

    # -- answers ---------------------------------------------------------------------------------
    def result(message: str, status: int, ok: bool = False):
        return render_template("result.html", message=message, ok=ok), status

    def pdf_response(data: bytes, name: str, inline: bool) -> Response:
        disposition = "inline" if inline else "attachment"
        ascii_name = (
            "".join(c if c.isascii() and c.isalnum() or c in "-_." else "_" for c in name)
            or "document.pdf"
        )
        return Response(
            data,
            mimetype="application/pdf",
            headers={
                "Content-Disposition": f'{disposition}; filename="{ascii_name}"; '
                f"filename*=UTF-8''{quote(name)}"
            },
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 503 and site.library is None:
            return render_template("problems.html", problems=[str(d) for d in site.problems]), 503
        status = error.code or 400
        word = {403: "form_refused", 404: "not_found", 413: "too_large"}.get(status, "bad_request")
        return result(getattr(texts(), word), status)

    @app.errorhandler(Exception)
    def internal_error(error: Exception):
        # The message may quote what was typed (a patient's name): log where, not what.
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("internal error %s at\n%s", type(error).__name__, frames)
        return result(texts().internal_error, 500)

    return app


@functools.cache
def _font_bytes(family: str, weight: str) -> bytes:
    """Each font file is read once per process."""
    return font_path(family, weight).read_bytes()


def _choices(lib: Library) -> list[Choice]:
    result = []
    for slug in lib.conditions:
        titles = {
            code: str(language.conditions[slug].title)
            for code, language in sorted(lib.languages.items())
            if slug in language.conditions
        }
        source = lib.languages[lib.settings.source_language].conditions[slug]
        points = tuple(str(p.code) for p in source.points)
        result.append(Choice(slug, titles, points, normalize(" ".join([slug, *titles.values()]))))
    return result


def _languages(lib: Library) -> list[tuple[str, str]]:
    return [(code, str(language.style.name)) for code, language in sorted(lib.languages.items())]


def _ui_choices(lib: Library | None) -> list[tuple[str, str]]:
    if lib is None:
        return []
    return _languages(lib)


def _kind_labels(lib: Library, lang: str) -> dict[str, str]:
    labels = lib.languages[lang].labels if lang in lib.languages else None
    if labels is None:
        return {kind: kind for kind in KINDS}
    return {"handout": str(labels.handout_label), "aftercare": str(labels.aftercare_label)}


def _codes(lib: Library, lang: str) -> list[tuple[str, str, str]]:
    """(what may be typed, the WHO code, a description) for the code field's completion."""
    names = _point_names(lib, lang)
    typed = [
        (code, code, " ".join(names.get(code, ())))
        for code, e in sorted(lib.registry.items())
        if e.view is not None
    ]
    typed += [
        (alias, code, f"= {code} {' '.join(names.get(code, ()))}")
        for alias, code in sorted(lib.aliases.items())
        if lib.registry[code].view
    ]
    return typed


def _points_lang(lib: Library, lang: str) -> str:
    """The language point names are shown in: the page's, else the source language."""
    return lang if lang in lib.languages else lib.settings.source_language


def _point_names(lib: Library, lang: str) -> dict[str, tuple[str, ...]]:
    """Code -> (name, reading if any) in the page's language."""
    language = lib.languages[_points_lang(lib, lang)]
    return {
        code: (str(text.name), *([str(text.reading)] if text.reading else []))
        for code, text in language.points.items()
    }


def _pick(value, allowed, default):
    return value if value in allowed else default


def _given(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None
