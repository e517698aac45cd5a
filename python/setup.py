"""Builds libminibatchgd with the Swift toolchain (the repository above this folder) and puts it
inside the package, so that `pip install ./python` and `pip wheel ./python` need nothing else."""
import pathlib
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

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


setup(cmdclass={"build_py": BuildLibrary})
