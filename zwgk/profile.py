"""Site profiles: the YAML file of `--profile FILE` and of the 配置 column of a site list.

`load_profile(path)` is the one reader. It checks every key against `Profile` (unknown keys,
wrong types and malformed URLs are refused with a message naming the file, the key and what
was expected) and returns the plain dict the crawler reads (`profile.get("delay")` …), shaped
as it was written: a root given as a string stays a string, keys not given stay absent.
"""
from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Annotated, Any, Union
from urllib.parse import urlsplit

import click
from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError)
from pydantic_core import PydanticCustomError


class ProfileError(click.ClickException):
    """A profile that cannot be used; the message (Chinese) names the file and every bad key."""


# ------------------------------------------------------------------------------------ value checks
def _expect(what: str, hint: str = "") -> PydanticCustomError:
    # the message is the "expected …" part; _describe adds the key, the value received and the hint
    return PydanticCustomError("zwgk_value", "{expected}", {"expected": what, "hint": hint})


def _check_url(value: str) -> str:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise _expect("以 http:// 或 https:// 开头并包含域名的网址")
    return value


def _check_host(value: str) -> str:
    host = value.strip().lower()
    if not host or any(c in host for c in "/:@?# ") or host.strip(".") != host:
        try:
            hint = urlsplit(value).hostname if "://" in value else None
        except ValueError:
            hint = None
        raise _expect("主机名（如 czj.example.gov.cn，不含 http://、端口和路径）",
                      f"是否想写「{hint}」？" if hint else "")
    return host  # the crawler compares lower-case host names


def _check_encoding(value: str) -> str:
    from zwgk.crawler.extractors.encoding import normalize_label

    if normalize_label(value) is None:
        raise _expect("能识别的字符编码名称（如 gb18030、utf-8）")
    return value


def _check_kind(value: str) -> str:
    from zwgk.vocab import COLUMN_KINDS

    if value not in COLUMN_KINDS:
        raise _expect("栏目类型之一：" + "、".join(COLUMN_KINDS), _did_you_mean(value, list(COLUMN_KINDS)))
    return value


Url = Annotated[str, AfterValidator(_check_url)]
Host = Annotated[str, AfterValidator(_check_host)]
Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    # strict: YAML's "2" is not a number, `yes` not a delay; a misspelt key is an error, not ignored
    model_config = ConfigDict(extra="forbid", strict=True)


class RootEntry(_Strict):
    url: Url
    office: str | None = None


class ColumnEntry(_Strict):
    url: Url
    name: Text
    kind: Annotated[str, AfterValidator(_check_kind)] | None = None
    office: str | None = None


class OfficeEntry(_Strict):
    url: Url
    name: Text


def _root_shape(value: Any) -> str | None:
    # a root is a URL string or a mapping (a RootEntry once validated)
    return "_url" if isinstance(value, str) else "_map" if isinstance(value, (dict, RootEntry)) else None


Root = Annotated[Union[Annotated[Url, Tag("_url")], Annotated[RootEntry, Tag("_map")]],
                 Discriminator(_root_shape, custom_error_type="zwgk_value",
                               custom_error_message="网址，或 {url: …, office: …} 形式的映射")]


class Profile(_Strict):
    """Every key a site profile may have (README, "Site profile")."""

    roots: list[Root] | None = None            # disclosure columns to start from
    offices: list[OfficeEntry] | None = None   # department sub-sites and their 评估对象
    columns: list[ColumnEntry] | None = None   # columns discovery misses
    scope_hosts: list[Host] | None = None      # further hosts that belong to the site
    encoding: Annotated[str, AfterValidator(_check_encoding)] | None = None
    concurrency: Annotated[int, Field(ge=1)] | None = None
    delay: Seconds | None = None
    blocked_retry_delay: Seconds | None = None


# the model that holds the keys under each top-level list, for "unknown key" messages
_ENTRY_MODELS = {"roots": RootEntry, "columns": ColumnEntry, "offices": OfficeEntry}


# ------------------------------------------------------------------------------------ messages
_EXPECTED = {
    "int_type": "整数", "int_parsing": "整数", "int_from_float": "整数",
    "float_type": "数字", "float_parsing": "数字", "finite_number": "有限的数字",
    "string_type": "文字", "list_type": "列表（YAML 中每项一行，以「- 」开头）",
    "model_type": "键值映射", "model_attributes_type": "键值映射", "dict_type": "键值映射",
}


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"是否想写「{close[0]}」？" if close else ""


def _key(loc: tuple) -> str:
    """('columns', 2, 'url') → columns[2].url; the discriminator's tags are left out."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith("_"):
            out += ("." if out else "") + str(part)
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "空值"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return f"「{text if len(text) <= 60 else text[:57] + '…'}」"


def _number(bound: Any) -> str:
    return str(int(bound)) if isinstance(bound, (int, float)) and float(bound).is_integer() else str(bound)


def _describe(err: dict) -> str:
    loc = tuple(err["loc"])
    kind, ctx = err["type"], err.get("ctx") or {}
    # an entry of a list is named as in code (columns[2].url, counted from 0) and as people count it
    nth = f"{loc[0]} 的第 {loc[1] + 1} 项" if len(loc) > 1 and isinstance(loc[1], int) else ""
    where = f"配置项「{_key(loc)}」"
    got = f"，收到{_shown(err.get('input'))}"
    if kind == "extra_forbidden":
        model = _ENTRY_MODELS.get(loc[0], Profile) if len(loc) > 1 else Profile
        allowed = list(model.model_fields)
        notes = [nth, "可用：" + "、".join(allowed), _did_you_mean(str(loc[-1]), allowed)]
        return f"未知的{where}（{'；'.join(n for n in notes if n)}）"
    where += f"（{nth}）" if nth else ""
    if kind == "missing":
        return f"缺少必填的{where}"
    if kind == "string_too_short":
        return f"{where}不能为空"
    if kind == "zwgk_value":
        hint = ctx.get("hint")
        return f"{where}应为{ctx.get('expected') or err['msg']}{got}" + (f"（{hint}）" if hint else "")
    if kind in ("greater_than_equal", "greater_than"):
        unit = "整数" if isinstance(err.get("input"), int) and loc[-1] == "concurrency" else "数"
        bound = _number(ctx.get("ge", ctx.get("gt")))
        return f"{where}应为{'不小于' if kind == 'greater_than_equal' else '大于'} {bound} 的{unit}{got}"
    what = _EXPECTED.get(kind)
    if what:
        return f"{where}应为{what}{got}"
    return f"{where}有误（{err['msg']}）{got}"


# ------------------------------------------------------------------------------------ loading
def validate_profile(data: Any, source: str) -> dict:
    """A parsed profile checked against `Profile`; `source` names it in messages (the file)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ProfileError(f"站点配置文件 {source} 应为键值映射（YAML mapping），收到{_shown(data)}")
    data = {str(k): v for k, v in data.items()}  # YAML's `1:` or `yes:` is an unknown key, not a crash
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        order = {k: i for i, k in enumerate(data)}  # reported in the file's order
        errors = sorted(exc.errors(), key=lambda e: order.get(e["loc"][0] if e["loc"] else "", -1))
        raise ProfileError("\n".join(f"站点配置文件 {source}：{_describe(e)}" for e in errors)) from None
    # keys written as empty (`scope_hosts:`) are left out: the crawler reads them as absent
    return {k: v for k, v in profile.model_dump(exclude_unset=True).items() if v is not None}


def load_profile(path: str | Path | None) -> dict:
    """The profile in a YAML file as the crawler reads it ({} without a file); ProfileError
    (a click.ClickException: a message and exit code 1, no traceback) when it is unusable."""
    if not path:
        return {}
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"站点配置文件 {path} 不存在")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"站点配置文件 {path} 无法读取：{exc}")
    return validate_profile(data, str(path))
