"""guest/lib/dtoa.c against CPython: repr(float), format(x, '.Nf/e/g'), float(str).

Builds tests/dtoa/driver.c with gcc and feeds it batches of commands (see
the driver for the protocol); every answer is compared with what this
CPython computes.
"""

import decimal
import math
import os
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "guest" / "lib"
DRIVER = ROOT / "tests" / "dtoa" / "driver.c"

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(u: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", u))[0]


@pytest.fixture(scope="module")
def drv(tmp_path_factory):
    exe = tmp_path_factory.mktemp("dtoa") / "driver"
    subprocess.run(
        ["gcc", "-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror", f"-I{LIB}",
         str(LIB / "dtoa.c"), str(DRIVER), "-o", str(exe)]
        + os.environ.get("DTOA_EXTRA_CFLAGS", "").split(),  # e.g. sanitizers
        check=True)

    def run(lines):
        out = subprocess.run([str(exe)], input="".join(l + "\n" for l in lines),
                             capture_output=True, text=True, check=True).stdout
        res = out.split("\n")[:-1]
        assert len(res) == len(lines)
        return res

    return run


def check(drv, cmds, expected, what):
    got = drv(cmds)
    bad = [(c, g, e) for c, g, e in zip(cmds, got, expected, strict=True) if g != e]
    assert not bad, f"{what}: {len(bad)} mismatches, first ones: {bad[:10]}"


# ---- value sets ----------------------------------------------------------

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 0.3, 2 / 3, 1e16, 1e15,
           1e17, 9999999999999998.0, 1.5e-07, 1e-05, 0.0001, 0.001,
           123456789012345.0, 1234567890123456.0, 12345678901234567.0,
           math.inf, -math.inf, math.nan, -math.nan, 1.7976931348623157e308,
           -1.7976931348623157e308, 5e-324, -5e-324, 1e-323,
           2.2250738585072014e-308, 2.225073858507201e-308, 1e23, 1e22, 8.41e21,
           9007199254740993.0, 2.0**53 + 2, 2.0**63, 4.35, 0.015, 1.005, 100.0,
           1e300, 1e-300, 123.456, 9.5, 0.95, 0.05, 0.25, 0.125, 0.375, 1e-7,
           5e-5, 9.999999999999999e22, 1.2345e-310, 2.0**-1022 * 1.5,
           math.pi, math.e, 1 / 3, 1e308, 4.9406564584124654e-324,
           2.0**-1073, 2.0**1023, 2.0**-1023, 2.0**-1024]


def pow_values():
    vals = [float(f"1e{k}") for k in range(-325, 310)]
    vals += [2.0 ** k for k in range(-1074, 1024)]
    vals += [math.nextafter(v, math.inf) for v in vals[:]] + \
            [math.nextafter(v, 0.0) for v in vals[:]]
    return vals


def random_doubles(rng, n):
    out = []
    for i in range(n):
        r = i % 10
        if r < 5:       # uniform bit patterns, all exponents
            u = rng.getrandbits(64)
        elif r == 5:    # subnormals
            u = rng.getrandbits(52) >> rng.randrange(52)
            u |= rng.getrandbits(1) << 63
        elif r == 6:    # powers of two +- a few ulps (asymmetric gaps)
            u = (rng.randrange(1, 2047) << 52) + rng.randrange(-3, 4)
        elif r == 7:    # short decimals
            u = bits(float(f"{rng.randrange(1, 10**rng.randrange(1, 8))}e{rng.randrange(-330, 310)}"))
        else:           # ordinary magnitudes
            u = bits(rng.uniform(-1, 1) * 10.0 ** rng.randrange(-25, 25))
        out.append(from_bits(u & ((1 << 64) - 1)))
    return out


# ---- repr ----------------------------------------------------------------

def test_repr_special(drv):
    check(drv, [f"R {bits(v):016x}" for v in SPECIAL], [repr(v) for v in SPECIAL], "repr")
    # mode 'r' and 0 of dtoa_format are repr too
    check(drv, [f"F r 5 {bits(v):016x}" for v in SPECIAL] + [f"F 0 3 {bits(v):016x}" for v in SPECIAL],
          [repr(v) for v in SPECIAL] * 2, "format r/0")


def test_repr_powers(drv):
    vals = pow_values()
    check(drv, [f"R {bits(v):016x}" for v in vals], [repr(v) for v in vals], "repr powers")


def test_repr_random_and_roundtrip(drv):
    rng = random.Random(1)
    vals = random_doubles(rng, 100_000)
    cmds = [f"R {bits(v):016x}" for v in vals]
    exp = [repr(v) for v in vals]
    check(drv, cmds, exp, "repr random")
    # parse(repr(x)) round trip (nan: canonical quiet nan from "nan")
    cmds = ["P " + s.encode().hex() for s in exp]
    check(drv, cmds, [f"{bits(float(s)):016x}" for s in exp], "parse(repr)")
    for s, v in zip(exp[:2000], vals, strict=False):
        if v == v:
            assert float(s) == v
    # longer spellings of the same values: 17 significant digits, and %.25e
    sub = vals[:20000]
    strs = [f"{v:.16e}" for v in sub] + [f"{v:.25e}" for v in sub[:5000]] + \
           [f"{v:.40g}" for v in sub[:5000]]
    check(drv, ["P " + s.encode().hex() for s in strs],
          [f"{bits(float(s)):016x}" for s in strs], "parse long spellings")


# ---- format --------------------------------------------------------------

def test_format_special(drv):
    cmds, exp = [], []
    for v in SPECIAL:
        for m in "feg":
            for p in list(range(0, 18)) + [25, 30]:
                cmds.append(f"F {m} {p} {bits(v):016x}")
                exp.append(format(v, f".{p}{m}"))
            cmds.append(f"F {m} -1 {bits(v):016x}")      # precision omitted
            exp.append(format(v, m))
    check(drv, cmds, exp, "format special")


def test_format_random(drv):
    rng = random.Random(2)
    vals = random_doubles(rng, 6000)
    # exact binary ties for fixed precision: k/2^j
    vals += [rng.randrange(-10**6, 10**6) / 2 ** rng.randrange(1, 12) for _ in range(3000)]
    vals += [float(rng.randrange(10**17)) for _ in range(500)]
    cmds, exp = [], []
    for v in vals:
        m = rng.choice("feg")
        p = rng.randrange(31 if m == "f" else 18)
        cmds.append(f"F {m} {p} {bits(v):016x}")
        exp.append(format(v, f".{p}{m}"))
    check(drv, cmds, exp, "format random")


def test_format_powers_and_long(drv):
    vals = pow_values()[::3]
    rng = random.Random(3)
    cmds, exp = [], []
    for v in vals:
        m = "feg"[len(cmds) % 3]
        p = rng.randrange(31 if m == "f" else 18)
        cmds.append(f"F {m} {p} {bits(v):016x}")
        exp.append(format(v, f".{p}{m}"))
    # exact expansions: huge precisions, giant and tiny magnitudes
    for v in SPECIAL + random_doubles(rng, 300):
        for spec in (".100f", ".60e", ".800e", ".40g", ".770g", ".1100f"):
            out = format(v, spec)
            if len(out) < 4000:
                cmds.append(f"F {spec[-1]} {spec[1:-1]} {bits(v):016x}")
                exp.append(out)
    check(drv, cmds, exp, "format powers/long")


def test_format_capacity(drv):
    vals = [1e300, -1.7976931348623157e308, 5e-324, 0.1, -0.0, 123.456, math.inf,
            -math.inf, math.nan, 1e-7, 0.5, 9.5, 1e22, 2.0**-1074 * 3, 0.001, 0.0]
    cmds, exp = [], []
    for v in vals:
        for m, p in (("f", 30), ("f", 0), ("f", 2), ("e", 5), ("e", 0), ("g", 17),
                     ("g", 0), ("g", 40), ("g", 800), ("e", 40), ("f", 800), ("r", 0)):
            want = format(v, f".{p}{m}") if m != "r" else repr(v)
            for cap in range(len(want) + 3):
                cmds.append(f"C {m} {p} {cap} {bits(v):016x}")
                exp.append(f"{len(want)} {want}" if cap > len(want) else "0 ")
    check(drv, cmds, exp, "capacity")


# ---- parse ---------------------------------------------------------------

def py_parse(s: str) -> str:
    try:
        return f"{bits(float(s)):016x}"
    except ValueError:
        return "ERR"


def check_parse(drv, strs, what):
    check(drv, ["P " + s.encode().hex() for s in strs], [py_parse(s) for s in strs], what)


SYNTAX = [
    "", " ", ".", "+", "-", "e", "e5", "1e", "1e+", "1e-", "1e+-5", "1.e5", ".5", "5.", "-.5e-3",
    "+.5", "1..2", "1.2.3", "1e5.5", "1e5e5", "abc", "0x10", "1f", "1d", "  1.5  ", "\t\n1\r\v\f",
    "1 2", "- 1", "--1", "+-1", "1_000.5", "1__000", "_1", "1_", "1_.5", "1._5", "1e_5", "1e5_",
    "1e1_0", "1_2_3.4_5e-0_1", "0_0", "inf", "-inf", "+inf", "INF", "Infinity", "-iNfInItY",
    "infinit", "infinityy", "infs", "nan", "-nan", "+NaN", "nanx", "na", "in", "i_nf", " inf ",
    "1e400", "-1e400", "1e-400", "-1e-400", "0e99999999999999999999", "1e99999999999999999999",
    "1e-99999999999999999999", "0.0", "-0", "-0.0e-5", "00000001", "0" * 1000 + "1",
    "0." + "0" * 1000 + "1", "0." + "0" * 1000 + "1e1000", "1" + "0" * 1000 + "e-1000",
    "1" + "0" * 400, "1" + "0" * 300 + "e-700", "1\x00", "\x001", "1e5 ", " 1e5", "1E5", "1.5E-5",
    "2.2250738585072011e-308", "2.2250738585072012e-308", "4.9406564584124654e-324",
    "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
    "1.7976931348623158e308", "1.7976931348623159e308", "179769313486231580793728971405301e276",
    "179769313486231580793728971405302e276", "179769313486231580793728971405303e276",
    "9007199254740993", "9007199254740993.0000000000000000000000000000001",
    "9007199254740992.9999999999999999999999999999999", "9007199254740995",
    "7.038531e-26", "8.5e-323", "1e-323", "2.5e-324", "3e-324",
]


def test_parse_syntax(drv):
    check_parse(drv, SYNTAX, "syntax")


def test_parse_fuzz(drv):
    rng = random.Random(4)
    alpha = "0123456789" * 3 + "._eE+-_ \tinfatyINFATY"
    strs = ["".join(rng.choice(alpha) for _ in range(rng.randrange(1, 8))) for _ in range(20000)]
    # random well-formed literals
    for _ in range(20000):
        nd = rng.randrange(1, 40)
        d = "".join(rng.choice("0123456789") for _ in range(nd))
        if rng.random() < 0.7:
            k = rng.randrange(nd + 1)
            d = d[:k] + "." + d[k:]
        if rng.random() < 0.2:
            d = "_".join(d[i:i + 3] for i in range(0, len(d), 3))
        if rng.random() < 0.8:
            d += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randrange(400))
        strs.append(rng.choice(["", "-", "+", " ", " -"]) + d + rng.choice(["", " ", "\n"]))
    check_parse(drv, strs, "fuzz")


def exact(d: decimal.Decimal) -> str:
    return format(d, "f") if abs(d.adjusted()) < 30 else format(d, "e")


def test_parse_halfway(drv):
    decimal.getcontext().prec = 3000
    D = decimal.Decimal
    rng = random.Random(5)
    xs = [from_bits(rng.getrandbits(63)) for _ in range(1500)]
    xs = [x for x in xs if math.isfinite(x)]
    xs += [from_bits(rng.getrandbits(52) >> rng.randrange(52)) for _ in range(500)]
    xs += [2.0 ** k for k in range(-1074, 1024, 7)] + [1.7976931348623157e308, 0.0]
    xs += [float(k) for k in range(2**53 - 50, 2**53 + 50)]
    strs = []
    for x in xs:
        hi = math.nextafter(x, math.inf)
        mid = (D(x) + D(hi if math.isfinite(hi) else 2.0**1023 * 2)) / 2  # exact
        tiny = D(10) ** (mid.adjusted() - 800)
        for m in (mid, mid + tiny, mid - tiny):
            s = exact(m)
            strs.append(s)
        strs.append("-" + exact(mid))
        # the exact value of x itself and the midpoint with lots of padding
        strs.append(exact(D(x)))
        strs.append(exact(mid) + "0" * 100 if "e" not in exact(mid) else "0" * 50 + exact(mid))
    # 800+ digit strings that are above / below a halfway point only far out
    for x in xs[:300]:
        hi = math.nextafter(x, math.inf)
        mid = (D(x) + D(hi if math.isfinite(hi) else 2.0**1024)) / 2
        digits, e = str(mid.scaleb(-mid.adjusted())).replace(".", ""), mid.adjusted()
        body = digits.ljust(800, "0")
        strs.append(f"{body[0]}.{body[1:]}e{e}")
        strs.append(f"{body[0]}.{body[1:]}{'0' * 200}1e{e}")
        strs.append(f"0.{body}{'0' * 50}1e{e + 1}")
    assert max(len(s) for s in strs) < 2000
    check_parse(drv, strs, "halfway")


# ---- freestanding build --------------------------------------------------

def test_freestanding_clean(tmp_path):
    obj = tmp_path / "dtoa.o"
    for opt in ("-O2", "-Os"):
        subprocess.run(
            ["gcc", opt, "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-ffreestanding",
             "-fno-builtin", "-nostdlib", "-c", str(LIB / "dtoa.c"), "-o", str(obj)],
            check=True)
        undef = subprocess.run(["nm", "-u", str(obj)], capture_output=True, text=True,
                               check=True).stdout.split()
        assert set(undef) - {"U", "memcpy", "memset", "memmove", "memcmp", "strlen"} == set()
        syms = subprocess.run(["nm", str(obj)], capture_output=True, text=True, check=True).stdout
        # no writable static data (reentrancy)
        assert not [l for l in syms.splitlines() if l.split()[-2:-1] and l.split()[-2] in "bBdD"]


def test_parse_extremes(drv):
    # the largest bignums: many digits at the edges of the exponent range
    strs = []
    for dexp in (-331, -330, -329, -324, -323, -322, -308, 0, 308, 309, 310, 311):
        for body in ("9" * 2000, "1" + "0" * 1500 + "1", "5" * 781, "4" + "9" * 900,
                     "2470328229206232720882538", "1797693134862315807937289714053034150799"):
            strs.append(f"0.{body}e{dexp}")
            strs.append(f"-{body[:1]}.{body[1:]}e{dexp - 1}")
    strs += ["1" * 5000, "0." + "0" * 5000 + "1" * 5000 + "e5000", "9" * 309, "9" * 310]
    check_parse(drv, strs, "extremes")
