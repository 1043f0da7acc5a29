"""Build small, valid wheels and sdists without a build backend.

Deterministic: the same arguments give byte-identical files, so a test can make
"the same file" twice, or the same filename with other bytes (`salt`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name

ZIP_DATE = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Dist:
    name: str  # display name, any spelling
    version: str
    requires: tuple[str, ...] = ()
    requires_python: str | None = None
    summary: str = "A test package"
    salt: str = ""  # changes the bytes, not the filename
    extra_metadata: dict[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return canonicalize_name(self.name).replace("-", "_")

    @property
    def wheel_filename(self) -> str:
        return f"{self.module}-{self.version}-py3-none-any.whl"

    @property
    def sdist_filename(self) -> str:
        return f"{self.module}-{self.version}.tar.gz"

    def metadata(self) -> str:
        lines = [
            "Metadata-Version: 2.1",
            f"Name: {self.name}",
            f"Version: {self.version}",
            f"Summary: {self.summary}",
        ]
        if self.requires_python:
            lines.append(f"Requires-Python: {self.requires_python}")
        lines += [f"Requires-Dist: {requirement}" for requirement in self.requires]
        lines += [f"{key}: {value}" for key, value in self.extra_metadata.items()]
        return "\n".join(lines) + "\n\n"

    def module_source(self) -> str:
        return f'VERSION = "{self.version}"\nSALT = "{self.salt}"\n'


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def wheel_bytes(dist: Dist) -> bytes:
    dist_info = f"{dist.module}-{dist.version}.dist-info"
    files = {
        f"{dist.module}/__init__.py": dist.module_source().encode(),
        f"{dist_info}/METADATA": dist.metadata().encode(),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: pantry-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n\n"
        ),
    }
    record = [_record_line(path, data) for path, data in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def sdist_bytes(dist: Dist, with_pkg_info: bool = True) -> bytes:
    top = f"{dist.module}-{dist.version}"
    files = {
        f"{top}/{dist.module}/__init__.py": dist.module_source().encode(),
        f"{top}/pyproject.toml": (
            f'[project]\nname = "{dist.name}"\nversion = "{dist.version}"\n'
        ).encode(),
    }
    if with_pkg_info:
        files[f"{top}/PKG-INFO"] = (
            dist.metadata().replace("Metadata-Version: 2.1", "Metadata-Version: 2.2").encode()
        )
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(data), 1577836800, 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def write_dists(dists: list[Dist], directory: Path, sdists: bool = True) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for dist in dists:
        wheel = directory / dist.wheel_filename
        wheel.write_bytes(wheel_bytes(dist))
        paths.append(wheel)
        if sdists:
            sdist = directory / dist.sdist_filename
            sdist.write_bytes(sdist_bytes(dist))
            paths.append(sdist)
    return paths
