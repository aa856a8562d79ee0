# Runtime hook (runs before the app's code in the frozen app).
# The PySide6.QtOpenGL binding (8.9 MB on Linux) is not bundled: pyqtgraph imports it when its
# plot items load, but uses it only to draw with OpenGL (pyqtgraph's useOpenGL and
# enableExperimental options), which the console never turns on. This stand-in satisfies the
# import; any use of it raises an error that says what is missing instead of an AttributeError
# from deep inside pyqtgraph.
import sys
import types


class _QtOpenGLNotBundled(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"PySide6.QtOpenGL.{name}: the QtOpenGL binding is not bundled with Aurora Console "
            "(OpenGL drawing in pyqtgraph is off; see packaging/aurora-console.spec)")


if "PySide6.QtOpenGL" not in sys.modules:
    sys.modules["PySide6.QtOpenGL"] = _QtOpenGLNotBundled("PySide6.QtOpenGL")
