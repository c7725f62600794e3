"""Benchmark ``pxl10n validate`` (QA family) against translate-toolkit's ``pofilter``.

Builds a deterministic corpus of XLIFF 1.2 and 2.0 files (plain inline codes and
PX's HTML strategy, four target languages) from professional-style translation
templates, seeds known defects of the kinds QA covers into some units, then runs

* ``validate`` through the library API, serially and on every core, and
* ``pofilter`` (its CLI, once per language so its language-aware checks apply)
  on the XLIFF 1.2 files, the only version it reads,

and prints the time of each, the ratio, the recall of seeded defects and how many
clean units each flags. ``--small`` is a quick run.

    python benchmarks/validate_vs_pofilter.py [--small] [--files N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

LANGS = ("fr-FR", "de-DE", "es-ES", "ja-JP")
_NUM_STYLE = {"en": (",", "."), "fr": ("\u202f", ","), "de": (".", ","), "es": (".", ","), "ja": (",", ".")}

# source, then fr, de, es, ja. ⟨n⟩ is a number in the locale's style, ⟨url⟩ a URL,
# [b]..[/b] and [i]..[/i] paired codes, [br] a standalone code.
TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Welcome back, {{user.firstName}}!", "Bon retour, {{user.firstName}} !", "Willkommen zurück, {{user.firstName}}!",
     "¡Bienvenido de nuevo, {{user.firstName}}!", "おかえりなさい、{{user.firstName}}さん！"),
    ("You have {0} new messages.", "Vous avez {0} nouveaux messages.", "Sie haben {0} neue Nachrichten.",
     "Tiene {0} mensajes nuevos.", "新しいメッセージが{0}件あります。"),
    ("Click [b]Save[/b] to keep your changes.", "Cliquez sur [b]Enregistrer[/b] pour conserver vos modifications.",
     "Klicken Sie auf [b]Speichern[/b], um Ihre Änderungen zu behalten.",
     "Haga clic en [b]Guardar[/b] para conservar los cambios.", "変更を保持するには[b]保存[/b]をクリックしてください。"),
    ("Your trial ends in ⟨n⟩ days.", "Votre essai se termine dans ⟨n⟩ jours.", "Ihre Testversion endet in ⟨n⟩ Tagen.",
     "Su prueba termina en ⟨n⟩ días.", "試用期間はあと⟨n⟩日で終了します。"),
    ("Read the guide at ⟨url⟩ before you start.", "Lisez le guide sur ⟨url⟩ avant de commencer.",
     "Lesen Sie vor dem Start die Anleitung unter ⟨url⟩.", "Lea la guía en ⟨url⟩ antes de empezar.",
     "開始する前に⟨url⟩のガイドをお読みください。"),
    ("Are you sure you want to delete %s?", "Voulez-vous vraiment supprimer %s ?", "Möchten Sie %s wirklich löschen?",
     "¿Seguro que desea eliminar %s?", "%sを削除してもよろしいですか？"),
    ("%(count)d items selected", "%(count)d éléments sélectionnés", "%(count)d Elemente ausgewählt",
     "%(count)d elementos seleccionados", "%(count)d 件のアイテムを選択済み"),
    ("Hello ${name}, your report is ready.", "Bonjour ${name}, votre rapport est prêt.", "Hallo ${name}, Ihr Bericht ist fertig.",
     "Hola ${name}, su informe está listo.", "${name}さん、レポートの準備ができました。"),
    ("Step 1 of 3", "Étape 1 sur 3", "Schritt 1 von 3", "Paso 1 de 3", "ステップ 1/3"),
    ("Next", "Suivant", "Weiter", "Siguiente", "次へ"),
    ("Upload a file of up to ⟨n⟩ MB.", "Téléversez un fichier de ⟨n⟩ Mo maximum.", "Laden Sie eine Datei mit bis zu ⟨n⟩ MB hoch.",
     "Suba un archivo de hasta ⟨n⟩ MB.", "最大⟨n⟩ MBのファイルをアップロードしてください。"),
    ("Contact support@example.com for help.", "Contactez support@example.com pour obtenir de l'aide.",
     "Wenden Sie sich an support@example.com, wenn Sie Hilfe benötigen.",
     "Escriba a support@example.com para obtener ayuda.", "ヘルプが必要な場合は support@example.com までご連絡ください。"),
    ("Loading...", "Chargement…", "Wird geladen...", "Cargando...", "読み込み中..."),
    ("Note: changes apply to all users.", "Remarque : les modifications s'appliquent à tous les utilisateurs.",
     "Hinweis: Die Änderungen gelten für alle Benutzer.", "Nota: los cambios se aplican a todos los usuarios.",
     "注：変更はすべてのユーザーに適用されます。"),
    ("[b]New:[/b] export your dashboards as PDF.", "[b]Nouveau :[/b] exportez vos tableaux de bord au format PDF.",
     "[b]Neu:[/b] Exportieren Sie Ihre Dashboards als PDF.", "[b]Novedad:[/b] exporte sus paneles como PDF.",
     "[b]新機能：[/b]ダッシュボードをPDFとしてエクスポートできます。"),
    ("Line one[br]Line two", "Ligne un[br]Ligne deux", "Zeile eins[br]Zeile zwei", "Línea uno[br]Línea dos", "1行目[br]2行目"),
    ("Hi {{user.firstName}}, [b]{{account.name}}[/b] now has ⟨n⟩ seats.",
     "Bonjour {{user.firstName}}, [b]{{account.name}}[/b] dispose maintenant de ⟨n⟩ licences.",
     "Hallo {{user.firstName}}, [b]{{account.name}}[/b] hat jetzt ⟨n⟩ Plätze.",
     "Hola, {{user.firstName}}: [b]{{account.name}}[/b] ahora tiene ⟨n⟩ puestos.",
     "{{user.firstName}}さん、[b]{{account.name}}[/b]のシート数が⟨n⟩になりました。"),
    ("%1$s invited %2$s to the workspace.", "%1$s a invité %2$s dans l'espace de travail.",
     "%1$s hat %2$s in den Arbeitsbereich eingeladen.", "%1$s invitó a %2$s al espacio de trabajo.",
     "%1$sが%2$sをワークスペースに招待しました。"),
    ("Gainsight PX", "Gainsight PX", "Gainsight PX", "Gainsight PX", "Gainsight PX"),
    ("Learn more about [b]Product Experience[/b] in our [i]help center[/i].",
     "En savoir plus sur [b]Product Experience[/b] dans notre [i]centre d'aide[/i].",
     "Weitere Informationen zu [b]Product Experience[/b] finden Sie in unserem [i]Hilfecenter[/i].",
     "Más información sobre [b]Product Experience[/b] en nuestro [i]centro de ayuda[/i].",
     "[b]Product Experience[/b]の詳細は[i]ヘルプセンター[/i]をご覧ください。"),
    ("The plan costs ⟨n⟩ USD per month.", "L'abonnement coûte ⟨n⟩ USD par mois.", "Der Tarif kostet ⟨n⟩ USD pro Monat.",
     "El plan cuesta ⟨n⟩ USD al mes.", "プランの料金は月額⟨n⟩ USDです。"),
    ("{count, plural, one {# file} other {# files}} uploaded",
     "{count, plural, one {# fichier téléversé} other {# fichiers téléversés}}",
     "{count, plural, one {# Datei} other {# Dateien}} hochgeladen",
     "{count, plural, one {# archivo subido} other {# archivos subidos}}",
     "{count, plural, other {# 個のファイル}}をアップロードしました"),
    ("Do you want to leave this page? Unsaved changes will be lost.",
     "Voulez-vous quitter cette page ? Les modifications non enregistrées seront perdues.",
     "Möchten Sie diese Seite verlassen? Nicht gespeicherte Änderungen gehen verloren.",
     "¿Desea salir de esta página? Se perderán los cambios no guardados.",
     "このページを離れますか？保存されていない変更は失われます。"),
    ("Tip: press [b]Ctrl+K[/b] to search {{app.name}}.", "Astuce : appuyez sur [b]Ctrl+K[/b] pour rechercher dans {{app.name}}.",
     "Tipp: Drücken Sie [b]Strg+K[/b], um {{app.name}} zu durchsuchen.",
     "Consejo: pulse [b]Ctrl+K[/b] para buscar en {{app.name}}.", "ヒント：[b]Ctrl+K[/b]を押すと{{app.name}}を検索できます。"),
)
DEFECTS = ("missing_placeholder", "extra_placeholder", "broken_tag", "whitespace", "punctuation", "number", "empty")
#: QA code prefixes that count as catching each defect kind.
EXPECTED_QA = {
    "missing_placeholder": ("QA101", "QA103", "QA104"),
    "extra_placeholder": ("QA102", "QA103", "QA104"),
    "broken_tag": ("QA111", "QA112", "QA121", "QA122", "QA123"),
    "whitespace": ("QA201", "QA202", "QA203"),
    "punctuation": ("QA301", "QA302"),
    "number": ("QA311", "QA312"),
    "empty": ("QA401",),
}
#: pofilter tests that count as catching each defect kind.
EXPECTED_POFILTER = {
    "missing_placeholder": {"variables", "printf", "pythonbraceformat", "brackets"},
    "extra_placeholder": {"variables", "printf", "pythonbraceformat", "brackets"},
    "broken_tag": {"xmltags"},
    "whitespace": {"startwhitespace", "endwhitespace", "doublespacing"},
    "punctuation": {"endpunc", "startpunc"},
    "number": {"numbers"},
    "empty": {"untranslated", "blank"},
}
_PH_RE = re.compile(r"\{\{[^{}]+\}\}|\$\{[^{}]+\}|%\d\$s|%\([a-z]+\)d|%s|\{\d\}")
_FINAL_RE = re.compile(r"[.!?…。！？]+$")


def _number(value: float, lang: str) -> str:
    group, dec = _NUM_STYLE[lang.split("-")[0]]
    whole, frac = f"{value:,.1f}".split(".") if value % 1 else (f"{int(value):,}", "")
    whole = whole.replace(",", group)
    return whole + (dec + frac if frac else "")


def _eligible(kind: str, src: str, trg: str, html: bool) -> bool:
    if kind in ("missing_placeholder",):
        return bool(_PH_RE.search(trg)) and "{count," not in src
    if kind == "broken_tag":
        return "[/b]" in trg
    if kind == "number":
        return "⟨n⟩" in trg
    if kind == "empty":
        return True
    if kind == "punctuation":
        return "{count," not in src
    return True


def _inject(kind: str, trg: str, html: bool, rng: random.Random) -> str:
    if kind == "missing_placeholder":
        m = _PH_RE.search(trg)
        assert m
        return trg[: m.start()] + trg[m.end() :]
    if kind == "extra_placeholder":
        return re.sub(r"(\S)$", r"\1 {{extra.value}}", trg, count=1) if not _FINAL_RE.search(trg) else _FINAL_RE.sub(lambda m: " {{extra.value}}" + m.group(), trg)
    if kind == "broken_tag":
        return trg.replace("[/b]", "", 1) if html else trg.replace("[b]", "", 1).replace("[/b]", "", 1)
    if kind == "whitespace":
        choice = rng.randrange(3)
        if choice == 0:
            return trg + " "
        if choice == 1:
            return " " + trg
        return trg.replace(" ", "  ", 1) if " " in trg else trg + " "
    if kind == "punctuation":
        m = _FINAL_RE.search(trg)
        if m:
            return trg[: m.start()] + ("." if m.group() in ("?", "？") else "?")
        return trg + "?"
    if kind == "number":
        return trg.replace("⟨n⟩", "⟨m⟩", 1)
    if kind == "empty":
        return ""
    raise ValueError(kind)


def _render(text: str, version: str, html: bool, lang: str, n: float, url: str) -> str:
    """Template notation to XML content (escaped), per version and strategy."""
    text = text.replace("⟨n⟩", _number(n, lang)).replace("⟨m⟩", _number(n + 7, lang)).replace("⟨url⟩", url)
    if html:
        text = text.replace("[b]", "<b>").replace("[/b]", "</b>").replace("[i]", "<i>").replace("[/i]", "</i>").replace("[br]", "<br>")
        return escape(text)
    text = escape(text)
    if version == "2.0":
        codes = {"[b]": '<pc id="1">', "[/b]": "</pc>", "[i]": '<pc id="2">', "[/i]": "</pc>", "[br]": '<ph id="3"/>'}
    else:
        codes = {"[b]": '<g id="1">', "[/b]": "</g>", "[i]": '<g id="2">', "[/i]": "</g>", "[br]": '<x id="3"/>'}
    for marker, xml in codes.items():
        text = text.replace(marker, xml)
    return text


@dataclass
class Corpus:
    """Files written and, per (relative path, unit id), the seeded defect or None for clean."""

    root: Path
    files: list[Path]
    units: dict[tuple[str, str], str | None]


def build_corpus(root: Path, *, files: int = 400, units_per_file: int = 60, seed: int = 20240601, defect_rate: float = 0.08) -> Corpus:
    """Write a deterministic corpus under ``root``; the same seed gives the same bytes."""
    rng = random.Random(seed)
    written, manifest = [], {}
    for index in range(files):
        lang = LANGS[index % len(LANGS)]
        li = LANGS.index(lang) + 1
        version = "1.2" if (index // len(LANGS)) % 2 == 0 else "2.0"
        html = (index // (2 * len(LANGS))) % 3 == 0
        rel = f"{lang}/{'html' if html else 'plain'}/item-{index:04d}-{version}.xlf"
        body = []
        for u in range(rng.randint(units_per_file // 2, units_per_file * 3 // 2)):
            template = TEMPLATES[rng.randrange(len(TEMPLATES))]
            src, trg = template[0], template[li]
            uid = f"u{u:03d}"
            roll = rng.random()
            defect = None
            if roll < defect_rate:
                kind = DEFECTS[rng.randrange(len(DEFECTS))]
                if _eligible(kind, src, trg, html):
                    defect = kind
                    trg = _inject(kind, trg, html, rng)
            untranslated = defect is None and roll > 0.97
            n = rng.choice((3, 14, 250, 1250, 12500.5, 2.5, 1000000))
            url = f"https://help.example.com/{rng.choice(('start', 'billing', 'faq'))}?ref={u}"
            s_xml, t_xml = _render(src, version, html, "en", n, url), _render(trg, version, html, lang, n, url)
            if not untranslated:
                manifest[(rel, uid)] = defect
            target = "" if untranslated else (f"<target>{t_xml}</target>" if version == "2.0" else f'<target state="translated">{t_xml}</target>')
            if version == "2.0":
                body.append(f'  <unit id="{uid}"><segment><source>{s_xml}</source>{target}</segment></unit>')
            else:
                body.append(f'  <trans-unit id="{uid}"><source>{s_xml}</source>{target}</trans-unit>')
        if version == "2.0":
            doc = (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
                   f'srcLang="en-US" trgLang="{lang}">\n <file id="item-{index}">\n' + "\n".join(body) + "\n </file>\n</xliff>\n")
        else:
            doc = (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n'
                   f' <file original="item-{index}" source-language="en-US" target-language="{lang}" datatype="{"html" if html else "plaintext"}">\n'
                   f'  <body>\n' + "\n".join(body) + "\n  </body>\n </file>\n</xliff>\n")
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc, encoding="utf-8")
        written.append(path)
    return Corpus(root, written, manifest)


@dataclass
class Score:
    """Recall of seeded defects and clean units flagged, for one tool."""

    seeded: int
    caught: int
    clean: int
    clean_errors: int
    clean_flagged: int
    missed: Counter[str]

    @property
    def recall(self) -> float:
        return self.caught / self.seeded if self.seeded else 1.0


def score(corpus: Corpus, flagged: dict[tuple[str, str], list[tuple[str, bool]]], expected: dict[str, object], only: set[str] | None = None) -> Score:
    """``flagged``: (rel path, unit) -> [(code or test name, is_error)]; ``only``: rel paths the tool read."""
    seeded = caught = clean = clean_errors = clean_flagged = 0
    missed: Counter[str] = Counter()
    for key, defect in corpus.units.items():
        if only is not None and key[0] not in only:
            continue
        hits = flagged.get(key, [])
        if defect is None:
            clean += 1
            clean_errors += any(err for _, err in hits)
            clean_flagged += bool(hits)
            continue
        seeded += 1
        wanted = expected[defect]
        if any(code.startswith(tuple(wanted)) if isinstance(wanted, tuple) else code in wanted for code, _ in hits):  # type: ignore[arg-type]
            caught += 1
        else:
            missed[defect] += 1
    return Score(seeded, caught, clean, clean_errors, clean_flagged, missed)


class Clock:
    """Wall time and CPU time (this process and finished children): CPU stays fair on a busy machine."""

    def __enter__(self) -> Clock:  # noqa: PYI034
        self.wall0, self.cpu0 = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall0, self._cpu() - self.cpu0

    @staticmethod
    def _cpu() -> float:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + kids.ru_utime + kids.ru_stime


def validate_flags(corpus: Corpus, files: list[Path], jobs: int, select: tuple[str, ...] = ("QA",)) -> tuple[Clock, dict[tuple[str, str], list[tuple[str, bool]]]]:
    """Run validate (the QA family by default, library API); seconds and flags per unit."""
    from pxl10n.sync.validation import validate_paths

    with Clock() as clock:
        report = validate_paths(files, select=select, jobs=jobs)
    flags: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    root = corpus.root.resolve()
    for f in report.findings:
        rel = Path(f.path).relative_to(root).as_posix()
        flags[(rel, f.unit or "")].append((f.code, f.severity.value == "error"))
    return clock, flags


_CRITICAL = {"accelerators", "brackets", "escapes", "newlines", "nplurals", "printf", "pythonbraceformat", "tabs", "variables", "xmltags", "dialogsizes"}


def pofilter_flags(corpus: Corpus, files: list[Path], out: Path) -> tuple[Clock, dict[tuple[str, str], list[tuple[str, bool]]]]:
    """Run pofilter per language over the 1.2 files; seconds and flags per unit (critical tests count as errors)."""
    exe = shutil.which("pofilter") or str(Path(sys.executable).with_name("pofilter"))
    if not Path(exe).exists() and not shutil.which(exe):
        raise SystemExit('pofilter not found: pip install ".[bench]" (translate-toolkit) to run the comparison')
    by_lang: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        by_lang[path.relative_to(corpus.root).parts[0]].append(path)
    staged = out / "in"
    (out / "out").mkdir(parents=True, exist_ok=True)
    for lang, paths in sorted(by_lang.items()):
        for path in paths:
            dest = staged / lang / path.relative_to(corpus.root / lang)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.hardlink_to(path)
    with Clock() as clock:
        for lang in sorted(by_lang):
            cmd = [exe, "--progress=none", f"--language={lang.split('-')[0]}", "--excludefilter=isfuzzy",
                   "--excludefilter=isreview", "--excludefilter=hassuggestion", "--excludefilter=spellcheck",
                   "-i", str(staged / lang), "-o", str(out / "out" / lang)]
            subprocess.run(cmd, check=True, capture_output=True)
    flags: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    for path in (out / "out").rglob("*.xlf"):
        rel = path.relative_to(out / "out").as_posix()
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        for tu in tree.iter("{*}trans-unit"):
            for note in tu.iter("{*}note"):
                if note.get("from") == "pofilter" and note.text:
                    test = note.text.split(":", 1)[0].strip()
                    flags[(rel, tu.get("id") or "")].append((test, test in _CRITICAL))
    return clock, flags


def _line(name: str, s: Score) -> str:
    missed = ", ".join(f"{k} {v}" for k, v in sorted(s.missed.items())) or "none"
    return (f"  {name:<28} recall {s.recall:7.2%} ({s.caught}/{s.seeded}); clean units flagged as errors "
            f"{s.clean_errors}/{s.clean}, flagged at all {s.clean_flagged}/{s.clean}; missed: {missed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="A quick run (40 files).")
    parser.add_argument("--files", type=int, help="Number of files (default 400, 40 with --small).")
    parser.add_argument("--seed", type=int, default=20240601, help="Corpus seed (same seed, same corpus).")
    parser.add_argument("--jobs", type=int, default=0, help="Processes for the parallel run (default: all cores).")
    args = parser.parse_args(argv)
    from pxl10n.validate.engine import default_jobs

    files = args.files or (40 if args.small else 400)
    jobs = args.jobs or default_jobs()
    with tempfile.TemporaryDirectory(prefix="pxl10n-bench-") as tmp:
        root = Path(tmp) / "corpus"
        corpus = build_corpus(root, files=files, seed=args.seed)
        v12 = [p for p in corpus.files if p.name.endswith("-1.2.xlf")]
        rel12 = {p.relative_to(root).as_posix() for p in v12}
        print(f"corpus: {len(corpus.files)} files ({len(v12)} XLIFF 1.2, {len(corpus.files) - len(v12)} XLIFF 2.0), "
              f"{len(corpus.units)} translated units, {sum(d is not None for d in corpus.units.values())} seeded defects, seed {args.seed}")
        serial, flags = validate_flags(corpus, corpus.files, 1)
        par, flags_par = validate_flags(corpus, corpus.files, jobs)
        assert flags == flags_par, "parallel and serial runs disagree"
        serial12, _ = validate_flags(corpus, v12, 1)
        par12, _ = validate_flags(corpus, v12, jobs)
        every, _ = validate_flags(corpus, corpus.files, 1, ("ALL",))
        every_par, _ = validate_flags(corpus, corpus.files, jobs, ("ALL",))
        po_clock, po = pofilter_flags(corpus, v12, Path(tmp) / "pofilter")
        print("time, wall (CPU), QA family unless noted:")
        for name, one, many in (("validate, all files", serial, par), ("validate, XLIFF 1.2 files", serial12, par12),
                                ("validate, every family", every, every_par)):
            print(f"  {name:<26} serial {one.wall:6.2f}s ({one.cpu:6.2f}s)   {jobs} jobs {many.wall:6.2f}s ({many.cpu:6.2f}s)")
        print(f"  {'pofilter, XLIFF 1.2 files':<26}        {po_clock.wall:6.2f}s ({po_clock.cpu:6.2f}s)   (it cannot read XLIFF 2.0)")
        print(f"  ratio validate/pofilter on the same files: serial {serial12.wall / po_clock.wall:.1%} wall, "
              f"{serial12.cpu / po_clock.cpu:.1%} CPU; {jobs} jobs {par12.wall / po_clock.wall:.1%} wall")
        print("quality:")
        print(_line("validate, all files", score(corpus, flags, EXPECTED_QA)))
        print(_line("validate, XLIFF 1.2 files", score(corpus, flags, EXPECTED_QA, rel12)))
        print(_line("pofilter, XLIFF 1.2 files", score(corpus, po, EXPECTED_POFILTER, rel12)))
        print("  (pofilter has no severities: its critical tests count as errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
