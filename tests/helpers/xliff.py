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
             datatype: str = "html", strategy: str | None = None, meta: str = "", header: str = "",
             declaration: bool = False, root: str | None = None, file: str | None = None) -> str:
    """A minimal valid XLIFF document of ``version`` ("1.2" or "2.0") around ``body``.

    ``trg`` / ``original`` None leave the attribute out; ``strategy`` adds PX's
    ``mda`` metadata (2.0), ``meta`` more ``<mda:meta>`` beside it; ``header``
    fills a 1.2 ``<header>``. ``root`` / ``file`` replace every attribute of
    ``<xliff>`` / ``<file>`` (namespace included) for documents that break them.
    """
    text = _document20(body, src, trg, original, strategy, meta, root, file) if version == "2.0" else \
        _document12(body, src, trg, original, datatype, header, root, file)
    return (DECLARATION if declaration else "") + text


def _document20(body: str, src: str, trg: str | None, original: str | None, strategy: str | None, meta: str,
                root: str | None, file: str | None) -> str:
    trg_attr = f' trgLang="{trg}"' if trg is not None else ""
    orig = f' original="{original}"' if original is not None else ""
    mda = f' xmlns:mda="{MDA_NS}"' if strategy is not None else ""
    metadata = (f'<mda:metadata><mda:metaGroup category="px"><mda:meta type="strategy">{strategy}</mda:meta>{meta}'
                f"</mda:metaGroup></mda:metadata>") if strategy is not None else ""
    root_attrs = root if root is not None else f'xmlns="{NS["2.0"]}"{mda} version="2.0" srcLang="{src}"{trg_attr}'
    file_attrs = file if file is not None else f'id="f1"{orig}'
    return f"<xliff {root_attrs}><file {file_attrs}>{metadata}{body}</file></xliff>"


def _document12(body: str, src: str, trg: str | None, original: str | None, datatype: str, header: str,
                root: str | None, file: str | None) -> str:
    trg_attr = f' target-language="{trg}"' if trg is not None else ""
    orig = f'original="{original}" ' if original is not None else ""
    head = f"<header>{header}</header>" if header else ""
    root_attrs = root if root is not None else f'xmlns="{NS["1.2"]}" version="1.2"'
    file_attrs = file if file is not None else f'{orig}source-language="{src}"{trg_attr} datatype="{datatype}"'
    return f"<xliff {root_attrs}><file {file_attrs}>{head}<body>{body}</body></file></xliff>"
