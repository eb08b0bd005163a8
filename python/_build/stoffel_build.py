"""A minimal PEP 517 build backend for the stoffel package (pyproject.toml).

It needs nothing beyond the standard library: the wheel is a zip file with
the package's modules, libstoffel_vm.so and the .dist-info metadata.  The
library comes from STOFFEL_LIB if set, else from `make lib` in the
repository this directory belongs to (BUILD=... as in the Makefile)."""
import base64
import hashlib
import os
import re
import subprocess
import sys
import sysconfig
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # python/
REPO = os.path.dirname(HERE)
NAME = "stoffel"


def _version():
    """MAJOR.MINOR.PATCH from include/stoffel.h."""
    with open(os.path.join(REPO, "include", "stoffel.h"), encoding="utf-8") as f:
        text = f.read()
    parts = [re.search(r"#define STOFFEL_VERSION_%s (\d+)" % k, text) for k in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        raise RuntimeError("include/stoffel.h has no STOFFEL_VERSION_MAJOR/MINOR/PATCH")
    return ".".join(p.group(1) for p in parts)


def _library():
    """Path of the shared library to package, building it if needed."""
    env = os.environ.get("STOFFEL_LIB")
    if env:
        if not os.path.isfile(env):
            raise RuntimeError("STOFFEL_LIB=%s: no such file" % env)
        return env
    if not os.path.isfile(os.path.join(REPO, "Makefile")):
        raise RuntimeError("no Makefile in %s to build libstoffel_vm; set STOFFEL_LIB to a built "
                           "libstoffel_vm.so" % REPO)
    build = os.environ.get("BUILD", "build")
    r = subprocess.run(["make", "-C", REPO, "-j2", "BUILD=" + build, "lib"], stdout=sys.stderr)
    lib = os.path.join(REPO, build, "libstoffel_vm.so")
    if r.returncode != 0 or not os.path.isfile(lib):
        raise RuntimeError("`make lib` in %s failed (exit %d); see its output above" % (REPO, r.returncode))
    return lib


def _tag():
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-" + plat


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def _metadata(version):
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: Python bindings of StoffelVM-C\n"
            "License: Apache-2.0\nRequires-Python: >=3.8\n" % (NAME, version))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    version = _version()
    info = "%s-%s.dist-info" % (NAME, version)
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w") as f:
        f.write(_metadata(version))
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    lib = _library()
    info = "%s-%s.dist-info" % (NAME, version)
    wheel_name = "%s-%s-%s.whl" % (NAME, version, _tag())
    files = []
    pkg = os.path.join(HERE, NAME)
    for fn in sorted(os.listdir(pkg)):
        if fn.endswith(".py"):
            with open(os.path.join(pkg, fn), "rb") as f:
                files.append(("%s/%s" % (NAME, fn), f.read()))
    with open(lib, "rb") as f:
        files.append(("%s/libstoffel_vm.so" % NAME, f.read()))
    files.append(("%s/METADATA" % info, _metadata(version).encode()))
    files.append(("%s/WHEEL" % info, ("Wheel-Version: 1.0\nGenerator: stoffel_build\nRoot-Is-Purelib: false\n"
                                      "Tag: %s\n" % _tag()).encode()))
    record = [_record_line(n, d) for n, d in files] + ["%s/RECORD,," % info]
    files.append(("%s/RECORD" % info, ("\n".join(record) + "\n").encode()))
    path = os.path.join(wheel_directory, wheel_name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            z.writestr(zi, data, zipfile.ZIP_DEFLATED)
    return wheel_name
