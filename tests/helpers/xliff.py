"""The one XLIFF builder for tests: a document of either version around units or a raw body.

Namespaces are spelled out here rather than imported, so a test document does
not change when the code's constants do::

    document("1.2", units("1.2", [("Hi", "Salut"), ("Bye", None)]))
    document("2.0", '<unit id="a">...</unit>', trg=None, strategy="html")
"""

from __future__ import annotations

from collections.abc import Iterable

NS = {"1.2": "urn:oasis:names:tc:xliff:document:1.2", "2.0": "urn:oasis:names:tc:xliff:document:2.0"}
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def units(version: str, pairs: Iterable[tuple[str, str | None]], *, first: int = 1) -> str:
    """Units ``u<first>``, ``u<first+1>``... from (source, target) XML fragments; target None: no <target>."""
    out = []
    for i, (source, target) in enumerate(pairs, start=first):
        trg = "" if target is None else f"<target>{target}</target>"
        if version == "2.0":
            out.append(f'<unit id="u{i}"><segment><source>{source}</source>{trg}</segment></unit>')
        else:
            out.append(f'<trans-unit id="u{i}"><source>{source}</source>{trg}</trans-unit>')
    return "".join(out)


def document(version: str, body: str = "", *, src: str = "en-US", trg: str | None = "fr-FR", original: str | None = "f",
             datatype: str = "html", strategy: str | None = None, header: str = "", declaration: bool = False) -> str:
    """A minimal valid XLIFF document of ``version`` ("1.2" or "2.0") around ``body``.

    ``trg`` / ``original`` None leave the attribute out; ``strategy`` adds PX's
    ``mda`` metadata (2.0); ``header`` fills a 1.2 ``<header>``.
    """
    ns = NS[version]
    if version == "2.0":
        trg_attr = f' trgLang="{trg}"' if trg is not None else ""
        orig = f' original="{original}"' if original is not None else ""
        mda = f' xmlns:mda="{MDA_NS}"' if strategy is not None else ""
        meta = (f'<mda:metadata><mda:metaGroup category="px"><mda:meta type="strategy">{strategy}</mda:meta>'
                f"</mda:metaGroup></mda:metadata>") if strategy is not None else ""
        text = f'<xliff xmlns="{ns}"{mda} version="2.0" srcLang="{src}"{trg_attr}><file id="f1"{orig}>{meta}{body}</file></xliff>'
    else:
        trg_attr = f' target-language="{trg}"' if trg is not None else ""
        orig = f' original="{original}"' if original is not None else ""
        head = f"<header>{header}</header>" if header else ""
        text = (f'<xliff xmlns="{ns}" version="1.2"><file{orig} source-language="{src}"{trg_attr} datatype="{datatype}">'
                f"{head}<body>{body}</body></file></xliff>")
    return (DECLARATION if declaration else "") + text
