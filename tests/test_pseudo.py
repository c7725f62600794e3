"""Pseudo-translation keeps placeholders, tags and outer whitespace."""

from __future__ import annotations

from pxl10n.xliff.io import describe, parse
from pxl10n.xliff.pseudo import pseudo_text, pseudo_translate

DOC20 = b"""<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en-US" trgLang="fr-FR">
  <file id="f"><unit id="u1"><segment><source>  Hello {{user.firstName}}, &lt;b&gt;see&lt;/b&gt; <ph id="1"/>now </source></segment></unit>
  <unit id="u2"><segment><source>Done</source><target>Fini</target></segment></unit></file>
</xliff>"""

DOC12 = b"""<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
  <file original="x" source-language="en-US" target-language="de-DE" datatype="html"><body>
    <trans-unit id="t1"><source>Save %s to https://example.com/a</source></trans-unit>
  </body></file>
</xliff>"""


def test_pseudo_text_protects_code() -> None:
    assert pseudo_text("Hi {{user.firstName}} <a href='x'>go</a> %(n)s") == "Hî {{user.firstName}} <a href='x'>gö</a> %(n)s"
    assert pseudo_text("Write to help.desk@example.co.uk now") == "Wrîté tö help.desk@example.co.uk ñöw"


def test_fills_only_missing_targets_in_20() -> None:
    units = {u.id: u for u in describe(parse(pseudo_translate(DOC20))).units}
    assert units["u1"].target == "  Héllö {{user.firstName}}, <b>séé</b> ñöw "
    assert units["u2"].target == "Fini"
    assert b'<ph id="1"/>' in pseudo_translate(DOC20).split(b"<target>")[1]


def test_fills_12() -> None:
    unit = describe(parse(pseudo_translate(DOC12))).units[0]
    assert unit.target == "Såvé %s tö https://example.com/a"
