"""Per-language length expansion: German runs long, CJK short, short strings are not judged."""

from __future__ import annotations

import pytest

from pxl10n.validate.expansion import bounds, expected_ratio, factor
from pxl10n.validate.langtags import base_language

EN = "Your trial ends in 14 days. Upgrade now to keep your dashboards."  # 65 characters


@pytest.mark.parametrize(("tag", "base"), [("pt-BR", "pt"), ("zh_Hant_TW", "zh"), ("EN", "en"), ("iw-IL", "he"), (" fr ", "fr"), ("", None), (None, None)])
def test_base_language(tag: str | None, base: str | None) -> None:
    assert base_language(tag) == base


def test_factors() -> None:
    assert factor("de-DE") > factor("en-US") > factor("ja") > factor("zh-CN")
    assert factor("tlh") == 1.0  # unknown: no expansion assumed
    assert factor("tl-PH") == factor("fil") == pytest.approx(1.2)  # a deprecated subtag read as what it means now
    assert expected_ratio("en", "de") == pytest.approx(1.3)
    assert expected_ratio("ja", "en") == pytest.approx(1 / 0.55)


def test_chinese_target_is_expected_short() -> None:
    zh = "您的试用期将在14天后结束。立即升级以保留您的仪表板。"  # 27 characters
    assert len(zh) in bounds(len(EN), expected_ratio("en-US", "zh-CN"))
    # under a flat one-third floor the same target would be "too short"
    assert len(zh) < len(EN) / 2


def test_truncated_german_is_suspicious() -> None:
    assert 12 not in bounds(len(EN), expected_ratio("en", "de"))
    assert len("Ihre Testversion endet in 14 Tagen. Jetzt upgraden, um Ihre Dashboards zu behalten.") in bounds(len(EN), expected_ratio("en", "de"))


def test_english_from_japanese_may_be_long() -> None:
    ja = "試用期間はあと14日で終了します。ダッシュボードを保持するには今すぐアップグレードしてください。"
    assert len(EN) in bounds(len(ja), expected_ratio("ja", "en"))
    assert 10 * len(ja) not in bounds(len(ja), expected_ratio("ja", "en"))


def test_short_sources_are_not_judged() -> None:
    assert bounds(2, expected_ratio("en", "es")) is None  # "OK" -> "Aceptar"
    assert bounds(20, expected_ratio("en", "es")) is not None


def test_longer_sources_get_less_slack() -> None:
    short, long_ = bounds(30, expected_ratio("en", "fr")), bounds(300, expected_ratio("en", "fr"))
    assert short and long_
    assert short.high / 30 > long_.high / 300
    assert "12" not in long_  # only numbers are lengths
