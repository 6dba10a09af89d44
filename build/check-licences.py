#!/usr/bin/env python3
"""The licence check (`make lint`) and the generated part of NOTICE.

  build/check-licences.py               the self-test, then check every Rust and npm dependency,
                                        and that NOTICE lists what the bundle links today
  build/check-licences.py --self-test   show that the check can fail (unit tests)
  build/check-licences.py --write-notice  regenerate NOTICE's generated block

Rust: every package of `cargo metadata --format-version 1 --locked` (all workspace packages'
dependencies, every platform, every dependency kind). npm: every entry of `packages` in
webapp/package-lock.json. Each `license` is an SPDX expression: `A OR B` passes if either side
passes, `A AND B` needs both, `A WITH E` passes if `A WITH E` is allowed as a whole or `A` is
(an exception only adds permissions). The legacy crates.io spelling `A/B` means `A OR B`.
A package with no licence, or one that does not pass, fails the check unless
build/licences-allowed.txt names it as an exception (name@version, with a reason).
"""

import json
import os
import re
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALLOWED_FILE = os.path.join(ROOT, "build", "licences-allowed.txt")
NOTICE_FILE = os.path.join(ROOT, "NOTICE")
NOTICE_BEGIN = "----- BEGIN GENERATED (build/check-licences.py --write-notice) -----"
NOTICE_END = "----- END GENERATED -----"


class LicenceError(Exception):
    """An expression that is not SPDX as this check reads it."""


# --- SPDX expressions -------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(\(|\)|/|[A-Za-z0-9.+:-]+)")


def tokenize(expr):
    tokens, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise LicenceError(f"cannot read {expr[pos:]!r} in {expr!r}")
        tok = m.group(1)
        tokens.append("OR" if tok in ("/", "or") else "AND" if tok == "and" else tok)
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    if not tokens:
        raise LicenceError("empty licence expression")
    return tokens


def parse(expr):
    """A tree: ("OR", l, r) | ("AND", l, r) | ("WITH", id, exception) | ("ID", id)."""
    tokens = tokenize(expr)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take(expected=None):
        nonlocal pos
        tok = peek()
        if tok is None or (expected and tok != expected):
            raise LicenceError(f"expected {expected or 'a licence'} in {expr!r}")
        pos += 1
        return tok

    def primary():
        if peek() == "(":
            take("(")
            node = disjunction()
            take(")")
            return node
        ident = take()
        if ident in ("AND", "OR", "WITH", ")"):
            raise LicenceError(f"unexpected {ident} in {expr!r}")
        if peek() == "WITH":
            take("WITH")
            return ("WITH", ident, take())
        return ("ID", ident)

    def conjunction():
        node = primary()
        while peek() == "AND":
            take("AND")
            node = ("AND", node, primary())
        return node

    def disjunction():
        node = conjunction()
        while peek() == "OR":
            take("OR")
            node = ("OR", node, conjunction())
        return node

    tree = disjunction()
    if pos != len(tokens):
        raise LicenceError(f"unexpected {tokens[pos]!r} in {expr!r}")
    return tree


def passes(tree, allowed):
    kind = tree[0]
    if kind == "OR":
        return passes(tree[1], allowed) or passes(tree[2], allowed)
    if kind == "AND":
        return passes(tree[1], allowed) and passes(tree[2], allowed)
    if kind == "WITH":
        return f"{tree[1]} WITH {tree[2]}" in allowed or tree[1] in allowed
    return tree[1] in allowed


# --- the allow-list ---------------------------------------------------------------------------

def read_allowed(text):
    """(set of allowed licences, {name@version: reason}) from licences-allowed.txt's text."""
    allowed, exceptions = set(), {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("exception "):
            parts = line.split(None, 2)
            if len(parts) < 3 or "@" not in parts[1]:
                raise LicenceError(f"licences-allowed.txt:{n}: want 'exception name@version reason'")
            exceptions[parts[1]] = parts[2]
        elif line.startswith("allow "):
            allowed.add(" ".join(line.split()[1:]))
        else:
            raise LicenceError(f"licences-allowed.txt:{n}: a line is 'allow <SPDX id>' or 'exception ...'")
    return allowed, exceptions


def verdicts(packages, allowed, exceptions):
    """Failures (one line each) for packages = [(ecosystem, name, version, licence or None)]."""
    failures = []
    for eco, name, version, licence in packages:
        key = f"{name}@{version}"
        if key in exceptions:
            continue
        if not licence:
            failures.append(f"{eco} {key}: no licence field")
            continue
        try:
            ok = passes(parse(licence), allowed)
        except LicenceError as e:
            failures.append(f"{eco} {key}: unreadable licence {licence!r} ({e})")
            continue
        if not ok:
            failures.append(f"{eco} {key}: licence {licence!r} is not on the allow-list")
    return failures


# --- the dependencies -------------------------------------------------------------------------

def cargo_metadata(*extra):
    out = subprocess.run(
        [os.environ.get("CARGO", "cargo"), "metadata", "--format-version", "1", "--locked", *extra],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout)


def rust_packages(meta):
    return [("cargo", p["name"], p["version"], p.get("license")) for p in meta["packages"]]


def npm_packages(lock):
    out = []
    for path, entry in lock.get("packages", {}).items():
        if entry.get("link"):
            continue
        name = entry.get("name") or path.rsplit("node_modules/", 1)[-1] or lock.get("name", "(root)")
        licence = entry.get("license")
        if isinstance(licence, dict):  # an old-style {"type": ...}
            licence = licence.get("type")
        out.append(("npm", name, entry.get("version", "?"), licence))
    return out


def linked_graph(meta, root_name, target):
    """The third-party packages `root_name` links for `target`, with their metadata: its normal
    dependencies, transitively, as Cargo's feature resolver builds them (`cargo tree`, which
    `cargo metadata`'s workspace-wide feature union would overstate: it adds test-only crates).
    Build scripts, dev-dependencies and proc-macro crates (with what only they use) run at build
    time and do not ship."""
    out = subprocess.run(
        [os.environ.get("CARGO", "cargo"), "tree", "--locked", "-p", root_name, "--target", target,
         "-e", "normal,no-proc-macro", "--prefix", "none", "-f", "{p}"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    by_key = {(p["name"], p["version"]): p for p in meta["packages"]}
    linked = {}
    for line in out.stdout.splitlines():
        m = re.fullmatch(r"(\S+) v(\S+)( \(\*\))?", line.strip())
        if not m:
            if line.strip() and "(/" not in line:  # a path dependency: ours
                raise LicenceError(f"cargo tree: cannot read {line!r}")
            continue
        key = (m.group(1), m.group(2))
        if key not in by_key:
            raise LicenceError(f"cargo tree names {key[0]} {key[1]}, cargo metadata does not")
        linked[key] = by_key[key]
    return [linked[k] for k in sorted(linked)]


def notice_block(meta):
    def section(title, pkgs):
        by_licence = {}
        for p in pkgs:
            by_licence.setdefault(p.get("license") or "(none)", []).append(f"{p['name']} {p['version']}")
        lines = [title, ""]
        for licence in sorted(by_licence, key=lambda l: (-len(by_licence[l]), l)):
            lines.append(f"  {licence} ({len(by_licence[licence])}):")
            lines.extend(_wrap(", ".join(by_licence[licence]), "    "))
        return lines + [""]

    host = linked_graph(meta, "plugin-host", "x86_64-unknown-linux-gnu")
    host_arm64 = linked_graph(meta, "plugin-host", "aarch64-unknown-linux-gnu")
    guest = linked_graph(meta, "incident-guest", "wasm32-wasip2")
    lines = [NOTICE_BEGIN, ""]
    lines += section(f"server/dist/plugin-linux-amd64 (plugin-host, x86_64-unknown-linux-gnu): {len(host)} crates", host)
    # The arm64 host links nearly the same crates: say how it differs, list only what it adds.
    key = lambda p: (p["name"], p["version"])
    amd64_keys, arm64_keys = {key(p) for p in host}, {key(p) for p in host_arm64}
    only_amd64 = sorted(f"{n} {v}" for n, v in amd64_keys - arm64_keys)
    only_arm64 = [p for p in host_arm64 if key(p) not in amd64_keys]
    title = (f"server/dist/plugin-linux-arm64 (plugin-host, aarch64-unknown-linux-gnu): {len(host_arm64)} crates, "
             f"those of plugin-linux-amd64" + (f" without {', '.join(only_amd64)}" if only_amd64 else ""))
    if only_arm64:
        lines += section(title + f", and {len(only_arm64)} more", only_arm64)
    else:
        lines += _wrap(title, "") + [""]
    lines += section(f"server/dist/incident.wasm (wasm32-wasip2): {len(guest)} crates", guest)
    lines.append(NOTICE_END)
    return "\n".join(lines) + "\n"


def _wrap(text, indent, width=96):
    lines, line = [], indent
    for word in text.split(" "):
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += word + " "
    if line.strip():
        lines.append(line.rstrip())
    return lines


def splice_notice(notice, block):
    start, end = notice.find(NOTICE_BEGIN), notice.find(NOTICE_END)
    if start < 0 or end < 0:
        raise LicenceError("NOTICE has no generated block (its BEGIN/END lines)")
    return notice[:start] + block + notice[end + len(NOTICE_END) + 1:]


# --- main -------------------------------------------------------------------------------------

def check():
    with open(ALLOWED_FILE, encoding="utf-8") as f:
        allowed, exceptions = read_allowed(f.read())
    meta = cargo_metadata()
    with open(os.path.join(ROOT, "webapp", "package-lock.json"), encoding="utf-8") as f:
        lock = json.load(f)
    packages = rust_packages(meta) + npm_packages(lock)
    failures = verdicts(packages, allowed, exceptions)

    try:
        with open(NOTICE_FILE, encoding="utf-8") as f:
            notice = f.read()
        stale = splice_notice(notice, notice_block(meta)) != notice
    except (OSError, LicenceError) as e:
        failures.append(f"NOTICE: {e}")
        stale = False
    if stale:
        failures.append("NOTICE: its dependency lists are out of date "
                        "(run build/check-licences.py --write-notice and commit NOTICE)")

    for line in failures:
        print(f"check-licences: {line}", file=sys.stderr)
    if failures:
        print(f"check-licences: {len(failures)} problem(s); allowed licences and exceptions are in "
              "build/licences-allowed.txt", file=sys.stderr)
        return 1
    print(f"check-licences: {len(packages)} packages ({len(meta['packages'])} Rust, "
          f"{len(packages) - len(meta['packages'])} npm) on the allow-list; NOTICE current")
    return 0


class SelfTest(unittest.TestCase):
    ALLOWED = {"MIT", "Apache-2.0", "MPL-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"}

    def ok(self, expr):
        return passes(parse(expr), self.ALLOWED)

    def test_expressions(self):
        self.assertTrue(self.ok("MIT"))
        self.assertFalse(self.ok("GPL-3.0-only"))
        self.assertTrue(self.ok("GPL-3.0-only OR MIT"))
        self.assertFalse(self.ok("GPL-3.0-only AND MIT"))
        self.assertTrue(self.ok("(MIT OR Apache-2.0) AND MPL-2.0"))
        self.assertFalse(self.ok("(MIT OR Apache-2.0) AND Unicode-3.0"))
        # AND binds tighter than OR.
        self.assertTrue(self.ok("GPL-3.0-only AND LGPL-2.1-only OR MIT"))
        self.assertFalse(self.ok("MIT AND (GPL-3.0-only OR LGPL-2.1-only)"))
        # WITH: the whole pair, or a licence that is allowed without the exception.
        self.assertTrue(self.ok("Apache-2.0 WITH LLVM-exception"))
        self.assertTrue(self.ok("GPL-2.0-only WITH Classpath-exception-2.0"))
        self.assertFalse(self.ok("GPL-2.0-only WITH Autoconf-exception-2.0"))
        self.assertFalse(self.ok("GPL-2.0-only"))
        # The legacy slash.
        self.assertTrue(self.ok("GPL-3.0-only/MIT"))
        self.assertFalse(self.ok("GPL-3.0-only / LGPL-3.0-only"))

    def test_unreadable(self):
        for bad in ("", "MIT OR", "(MIT", "MIT)", "AND MIT", "MIT WITH", "MIT, Apache-2.0"):
            with self.assertRaises(LicenceError, msg=bad):
                parse(bad)

    def test_packages_fail_by_name(self):
        packages = [("cargo", "good", "1.0.0", "MIT"), ("cargo", "bad", "2.0.0", "GPL-3.0-only"),
                    ("npm", "bare", "0.1.0", None), ("npm", "odd", "1.0.0", "SEE LICENSE IN x")]
        failures = verdicts(packages, self.ALLOWED, {})
        self.assertEqual(len(failures), 3, failures)
        self.assertIn("cargo bad@2.0.0: licence 'GPL-3.0-only' is not on the allow-list", failures)
        self.assertIn("npm bare@0.1.0: no licence field", failures)
        self.assertTrue(any(f.startswith("npm odd@1.0.0: unreadable") for f in failures))
        # An exception names one version only.
        failures = verdicts(packages, self.ALLOWED, {"bad@2.0.0": "why", "bare@0.1.0": "why"})
        self.assertEqual(len(failures), 1, failures)
        self.assertFalse(verdicts([("cargo", "bad", "2.0.1", "GPL-3.0-only")], self.ALLOWED,
                                  {"bad@2.0.0": "why"}) == [])

    def test_allow_list_file(self):
        allowed, exceptions = read_allowed(
            "# comment\nallow MIT  # why\nallow GPL-2.0-only WITH Classpath-exception-2.0\n\n"
            "exception foo@1.2.3 the reason, in words\n")
        self.assertEqual(allowed, {"MIT", "GPL-2.0-only WITH Classpath-exception-2.0"})
        self.assertEqual(exceptions, {"foo@1.2.3": "the reason, in words"})
        for bad in ("MIT\n", "exception foo the reason\n", "exception foo@1\n"):
            with self.assertRaises(LicenceError, msg=bad):
                read_allowed(bad)

    def test_the_real_allow_list_refuses_copyleft(self):
        with open(ALLOWED_FILE, encoding="utf-8") as f:
            allowed, _ = read_allowed(f.read())
        for expr in ("GPL-3.0-only", "AGPL-3.0-only", "LGPL-2.1-or-later", "SSPL-1.0", "BUSL-1.1"):
            self.assertFalse(passes(parse(expr), allowed), expr)

    def test_npm_lock_entries(self):
        lock = {"name": "app", "packages": {
            "": {"name": "app", "version": "0.1.0", "license": "Apache-2.0"},
            "node_modules/a": {"version": "1.0.0", "license": "MIT"},
            "node_modules/a/node_modules/@s/b": {"version": "2.0.0"},
            "node_modules/alias": {"name": "react", "version": "17.0.2", "license": {"type": "MIT"}}}}
        self.assertEqual(npm_packages(lock), [
            ("npm", "app", "0.1.0", "Apache-2.0"), ("npm", "a", "1.0.0", "MIT"),
            ("npm", "@s/b", "2.0.0", None), ("npm", "react", "17.0.2", "MIT")])


def self_test(verbosity):
    stream = sys.stderr if verbosity else open(os.devnull, "w", encoding="utf-8")
    result = unittest.TextTestRunner(stream=stream, verbosity=verbosity).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(SelfTest))
    if not result.wasSuccessful():
        print("check-licences: the self-test fails (run --self-test)", file=sys.stderr)
    return result.wasSuccessful()


def main(argv):
    if argv[1:] == ["--self-test"]:
        return 0 if self_test(2) else 1
    if argv[1:] == ["--write-notice"]:
        with open(NOTICE_FILE, encoding="utf-8") as f:
            notice = f.read()
        with open(NOTICE_FILE, "w", encoding="utf-8") as f:
            f.write(splice_notice(notice, notice_block(cargo_metadata())))
        return 0
    if argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    # The check proves first that it can fail (SelfTest), then runs.
    return check() if self_test(0) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
