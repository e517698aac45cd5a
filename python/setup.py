"""Builds libminibatchgd with the Swift toolchain (the repository above this folder) and puts it
inside the package, so that `pip install ./python` and `pip wheel ./python` need nothing else."""
import pathlib
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools before 70.1
    from wheel.bdist_wheel import bdist_wheel

ROOT = pathlib.Path(__file__).resolve().parent.parent


class BuildLibrary(build_py):
    def run(self):
        command = ["swift", "build", "-c", "release", "--product", "minibatchgd"]
        subprocess.run(command, cwd=ROOT, check=True)
        binaries = subprocess.run(command[:4] + ["--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
        library = pathlib.Path(binaries.stdout.strip()) / "libminibatchgd.so"
        super().run()
        target = pathlib.Path(self.build_lib) / "minibatchgd"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(library, target / "libminibatchgd.so")


class PlatformWheel(bdist_wheel):
    """A wheel for this platform (the library inside is native) and any Python 3 (ctypes loads it,
    no CPython extension)."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


setup(cmdclass={"build_py": BuildLibrary, "bdist_wheel": PlatformWheel})
