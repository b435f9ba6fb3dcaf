"""The desktop application: PySide6 widgets over :mod:`evidence_desk.core`.

Widgets never touch SQL; they call the :class:`~evidence_desk.core.case.Case`
facade, reading on the GUI thread and writing through :mod:`.tasks`.
"""
