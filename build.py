"""Assemble the deployable site: site/ + rnn_py/ + the pinned, hash-checked browser runtime.

    python3 build.py            build into build/site (only when something changed)
    python3 build.py --force    rebuild from scratch
    python3 build.py serve      build if needed, then serve on http://127.0.0.1:8000/
    python3 build.py test       install what the tests need, build, run every test
    python3 build.py bench      build, then run the speed suite (bench/run.py)
    python3 build.py i18n       extract every visible string into locale/messages.pot and
                                merge it into locale/<lang>.po (translations kept)

The runtime comes from the npm registry by exact version (``npm pack``), is checked against
the sha512 integrity recorded below, and only the files the page actually requests are
copied, so the build folder is what a static host (GitHub Pages, a USB stick) serves.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "offline"))
from serve import Handler, make_server, serve  # noqa: E402, F401 - the bundle's server, reused

from buildsite.archives import (  # noqa: E402, F401 - reachable as build.<name>
    ARCHIVE,
    LATER_ARCHIVE,
    MAIN_MODULE,
    MAIN_STUB,
    PYSCRIPT_MODULES,
    archive_members,
    first_screen,
    module_name,
    package_files,
    page_modules,
    put,
    pyscript_sources,
    stamped,
    write_archive,
    write_pyscript_config,
)
from buildsite.assemble import (  # noqa: E402, F401 - reachable as build.<name>
    build,
    inputs_digest,
    write_bundle,
    write_initial_view,
    write_service_worker,
)
from buildsite.paths import (  # noqa: E402, F401 - reachable as build.<name>
    BUILD,
    BUNDLE,
    CACHE,
    OFFLINE,
    OUT,
    PACKAGE,
    ROOT,
    SITE,
)
from buildsite.pyc import (  # noqa: E402, F401 - reachable as build.<name>
    COMPILE_MJS,
    compile_zip,
)
from buildsite.runtime import (  # noqa: E402, F401 - reachable as build.<name>
    PINS,
    TEST_PINS,
    extract,
    fetch,
    integrity,
)
from buildsite.stdlib import (  # noqa: E402, F401 - reachable as build.<name>
    LAZY_IMPORTS,
    RNN_LATER,
    STDLIB,
    STDLIB_NET,
    STDLIB_PAGE,
    STDLIB_USED,
    imported_names,
    lazy_import,
    trim_lock_file,
    write_stdlib,
)
from buildsite.testsetup import (  # noqa: E402, F401 - reachable as build.<name>
    BROWSER_PACKAGES,
    LOCALE,
    chromium_path,
    has_locale,
    install_browsers,
    test,
    test_assets,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "command", nargs="?", choices=["build", "serve", "test", "bench", "i18n"], default="build"
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--port", type=int, default=8000)
    args, rest = parser.parse_known_args(argv)
    if args.command == "test":
        sys.exit(test(rest))
    if args.command == "bench":  # the speed suite (bench/run.py); extra arguments go to it
        sys.exit(subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), *rest]).returncode)
    if args.command == "i18n":  # the message catalogues (buildsite/extract.py)
        from buildsite.extract import check, update

        changed = update()
        print("\n".join(f"wrote {p.relative_to(ROOT)}" for p in changed) or "locale/ up to date")
        problems = check()
        if problems:
            print("\n".join(problems))
        sys.exit(1 if problems else 0)
    if rest:
        parser.error("unrecognised arguments: " + " ".join(rest))
    out = build(force=args.force)
    if args.command == "serve":
        serve(out, port=args.port)
    else:
        print(f"offline bundle: {BUNDLE}")


if __name__ == "__main__":
    main()
