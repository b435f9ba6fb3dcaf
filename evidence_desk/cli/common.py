"""What every command shares: exit codes, opening the case, JSON output, and
the one place where an error a user can fix becomes an exit code and one line
on stderr.

Command modules import from here and from core, never from each other.
Only light modules are imported at the top: ``--help`` and ``--version``
must not load the database stack.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import EvidenceDeskError

if TYPE_CHECKING:
    from ..core.case import Case
    from ..core.examiner_keys import ExaminerKey

EXIT_OK = 0
EXIT_FAILED = 1  # verification ran and found problems
EXIT_USAGE = 2  # bad input or usage: a missing case or file, an unknown id, a bad option, a wrong passphrase
EXIT_ENVIRONMENT = 3  # the environment refused: e.g. no passphrase for the examiner key and no terminal to ask on
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
EXIT_INTERNAL = 70  # a bug (EX_SOFTWARE): one line naming the crash report, never a traceback
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (head, grep -q): as shells report SIGPIPE, quietly

Command = Callable[[argparse.Namespace], int]


def error(message: str) -> None:
    """Say what went wrong in one line on stderr."""
    print(f"evidence-desk: error: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run the command the parser chose under the one error contract (README, "Exit codes"):
    0 done, 1 verification found problems, 2 bad input or usage, 3 the environment refused,
    70 a bug; whatever went wrong is one line on stderr, never a traceback.

    A command that may change a case first takes the case's write lock (:func:`take_case_lock`;
    held by the app or another command: refused, exit 3, or waited for with ``--wait``), then
    unlocks the examiner key (so a wrong passphrase refuses before anything changes) and, if the
    case's chain grew, ends with one signed checkpoint (:class:`CommandSigning`)."""
    func: Command = args.func
    signing: CommandSigning | None = None
    held: Any = None
    try:
        held = take_case_lock(args)
        signing = CommandSigning.start(args)
        code = func(args)
    except BrokenPipeError:
        if signing is not None:
            signing.finish()
        return broken_pipe()
    except KeyboardInterrupt:
        if signing is not None:
            signing.pending = False  # stop at once: no checkpoint after an interrupt
        print("evidence-desk: interrupted; the case is as it was before the interrupted change", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the one place every failure becomes a line and a code
        if signing is not None:
            signing.finish()
        return report_failure(exc, getattr(args, "case_dir", None), getattr(args, "argv", None))
    finally:
        try:
            if signing is not None and signing.pending:  # the checkpoint, before the lock is let go
                signing.finish()
        finally:
            if held is not None:
                held.release()
    ok = signing is None or signing.finished
    return code if ok else (code or EXIT_USAGE)


def report_failure(exc: BaseException, path: Path | str | None = None, argv: list[str] | None = None) -> int:
    """One line on stderr for ``exc`` and the exit code it stands for: a user-fixable error as
    core names it (:func:`~evidence_desk.core.errors.user_error`), anything else as a bug whose
    traceback goes to the crash report."""
    from ..core.errors import user_error

    known = exc if isinstance(exc, EvidenceDeskError) else user_error(exc, path)
    if known is not None:
        error(str(known))
        return known.exit_code
    report = write_crash_report(exc, argv)
    where = f"the details are in {report}" if report is not None else "no crash report could be written"
    error(f"internal error ({type(exc).__name__}: {_one_line(str(exc))}); nothing more was changed; {where}; "
          "please report it")
    return EXIT_INTERNAL


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def crash_dir() -> Path:
    """Where crash reports go: $EVIDENCE_DESK_LOG_DIR, else the user's log folder (as the app's)."""
    from platformdirs import user_log_dir

    return Path(os.environ.get("EVIDENCE_DESK_LOG_DIR") or user_log_dir("Evidence Desk", "Evidence Desk"))


def write_crash_report(exc: BaseException, argv: list[str] | None = None) -> Path | None:
    """Append the traceback of ``exc`` and the command line to ``crash.log``; its path, or None."""
    from datetime import UTC, datetime

    try:
        folder = crash_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        from ..core import sealing

        text = sealing.crash_text(exc)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        command = " ".join(argv if argv is not None else sys.argv[1:])
        if sealing.encrypted_case_open() or _names_encrypted_case(argv if argv is not None else sys.argv[1:]):
            command = "(command line of an encrypted case left out)"
            text = sealing.crash_text(exc) if sealing.encrypted_case_open() else type(exc).__qualname__ + "\n"
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as f:
            f.write(f"--- {stamp} evidence-desk {command} ---\n{text}\n")
        return path
    except Exception:  # noqa: BLE001 - a crash report must never crash
        return None


def _names_encrypted_case(argv: list[str]) -> bool:
    from ..core import sealing

    return any(not a.startswith("-") and sealing.is_encrypted(Path(a)) for a in argv if a and len(a) < 4096)


def broken_pipe() -> int:
    """The reader of stdout went away (``| head``, ``| grep -q``): stop quietly, as the Python
    documentation advises (point stdout at devnull so the final flush cannot fail again)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_BROKEN_PIPE


# --- the case lock -------------------------------------------------------------------------

def add_wait_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="if the case is open for writing elsewhere (the app, another command), wait up to "
                        "SECONDS for it to be closed (default: refuse at once, exit 3)")


def take_case_lock(args: argparse.Namespace) -> Any:
    """The case's write lock (:mod:`evidence_desk.core.lock`) for a command that may change
    CASE_DIR, held until the command and its checkpoint are done; None for a reading command or
    a case that does not exist yet (init, demo, import-packet make it).

    Held elsewhere: :class:`~evidence_desk.core.errors.CaseLocked` naming who, where and since
    when (exit 3), after waiting up to ``--wait`` seconds."""
    writes = getattr(args, "writes", False)
    if callable(writes):
        writes = writes(args)
    case_dir = getattr(args, "case_dir", None)
    if not writes or case_dir is None or not (Path(case_dir) / "case.sqlite").is_file():
        return None
    from ..core import lock as case_lock
    from ..core.errors import CaseLocked

    wait = max(0.0, float(getattr(args, "wait", 0.0) or 0.0))
    held = case_lock.wait_for(case_dir, wait) if wait else case_lock.acquire(case_dir)
    if isinstance(held, case_lock.LockHolder):
        raise CaseLocked.held_by(case_dir, held.describe(), wait)
    return held


# --- the examiner key --------------------------------------------------------------------

NO_PASSPHRASE = ("no passphrase for the examiner key: set EVIDENCE_DESK_KEY_PASSPHRASE, pass --passphrase-file "
                 "FILE, or run in a terminal")


def note(message: str) -> None:
    print(f"evidence-desk: note: {message}", file=sys.stderr)


def passphrase_from_file(file: str | Path) -> str:
    """The first line of a passphrase file (``--passphrase-file`` and its kin); unreadable or
    empty: bad input."""
    from ..core.errors import BadInput

    try:
        lines = Path(file).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the passphrase file {file}: {exc}") from None
    if not lines or not lines[0]:
        raise BadInput(f"the passphrase file {file} is empty")
    return lines[0]


def _key_passphrase(file: str | None, from_env: str | None, prompt: str, confirm: bool) -> str | None:
    """A key's passphrase: ``file``, else ``from_env``, else ``prompt`` when there is a terminal."""
    from ..core.errors import BadInput

    if file:
        return passphrase_from_file(file)
    if from_env is not None:
        return from_env
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    import getpass

    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again, to confirm: ") != first:
        raise BadInput("the two passphrases differ; nothing was created")
    return first or None


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str | None:
    """--passphrase-file, else $EVIDENCE_DESK_KEY_PASSPHRASE, else a prompt when there is a terminal."""
    from ..core import examiner_keys as keys

    return _key_passphrase(getattr(args, "passphrase_file", None), keys.passphrase_from_env(),
                           "Examiner key passphrase: ", confirm)


def examiner_key(args: argparse.Namespace, *, required: bool = False) -> ExaminerKey | None:
    """The examiner key unlocked, made on first use; None when no passphrase can be had (unless
    ``required``: then :class:`~evidence_desk.core.examiner_keys.NoPassphrase`, exit 3)."""
    from ..core import examiner_keys as keys

    stored = keys.load_public()
    passphrase = read_passphrase(args, confirm=stored is None)
    if passphrase is None:
        if required:
            raise keys.NoPassphrase(NO_PASSPHRASE)
        return None
    if stored is not None:
        return keys.unlock(passphrase)
    name = getattr(args, "examiner", None) or os.environ.get("EVIDENCE_DESK_EXAMINER", "")
    key = keys.create(passphrase, examiner=name or "")
    note(f"created your examiner key {key.fingerprint} at {key.path}; it signs your checkpoints and "
         "packets. Keep the passphrase safe: without it the key cannot be used")
    return key


class CommandSigning:
    """Signs what one command wrote: the key is unlocked before the command, and a checkpoint
    follows it if the case's custody head moved (read from ``custody.head``, no database)."""

    def __init__(self, args: argparse.Namespace, case_dir: Path, key: ExaminerKey | None) -> None:
        from ..core import custody

        self.args, self.case_dir, self.key = args, case_dir, key
        self.head_before = custody.read_head(case_dir)
        self.pending, self.finished = True, False

    @classmethod
    def start(cls, args: argparse.Namespace) -> CommandSigning | None:
        writes = getattr(args, "writes", False)
        if callable(writes):
            writes = writes(args)
        case_dir = getattr(args, "case_dir", None)
        if not writes or case_dir is None:
            return None
        key = examiner_key(args)
        args.examiner_key = key
        return cls(args, Path(case_dir), key)

    def finish(self) -> bool:
        """Checkpoint if the chain grew; False if that failed (the change itself stands). Once."""
        if not self.pending:
            return self.finished
        self.pending = False
        self.finished = self._finish()
        return self.finished

    def _finish(self) -> bool:
        from ..core import custody

        try:
            if custody.read_head(self.case_dir) in (None, self.head_before):
                return True
            if self.key is None:
                note("this change is not signed by an examiner key (" + NO_PASSPHRASE.split(": ", 1)[1]
                     + "); verify reports it as unsigned until a later checkpoint")
                return True
            from ..core import operations as ops

            with open_case(self.args) as case:
                ops.checkpoint(case, self.key, "examiner checkpoint at the end of a command")
            return True
        except BrokenPipeError:
            return True
        except Exception as exc:  # noqa: BLE001 - the change stands; say why it is not signed
            from ..core.errors import user_error

            known = exc if isinstance(exc, EvidenceDeskError) else user_error(exc, self.case_dir)
            error(f"the change was made but could not be signed: {_one_line(str(known or exc))}")
            return False


def acting_examiner(args: argparse.Namespace) -> str:
    """Who acts, for a command that has no case open yet: --examiner, else $EVIDENCE_DESK_EXAMINER."""
    from ..core.case import resolve_examiner

    return resolve_examiner(getattr(args, "examiner", None))


def open_case(args: argparse.Namespace, read_only: bool = False) -> Case:
    """The command's case; who acts is --examiner, else $EVIDENCE_DESK_EXAMINER, else the case's examiner."""
    from ..core.case import Case, unlock_case

    key = getattr(args, "case_key", None)
    if key is None:  # unlocked once per command (the checkpoint after it opens the case again)
        key = args.case_key = unlock_case(Path(args.case_dir), case_passphrase(args))
    return Case.open(args.case_dir, read_only=read_only, examiner=getattr(args, "examiner", None), key=key)


def case_passphrase(args: argparse.Namespace, *, confirm: bool = False, force: bool = False) -> str | None:
    """An encrypted case's passphrase: --case-passphrase-file, else $EVIDENCE_DESK_CASE_PASSPHRASE,
    else a prompt when there is a terminal; None for a plain case (unless ``force``) or when none can
    be had. Read once per command."""
    import getpass

    from ..core import sealing
    from ..core.errors import BadInput

    cached = getattr(args, "case_passphrase", None)
    if cached is not None:
        return cached
    case_dir = getattr(args, "case_dir", None)
    if not force and (case_dir is None or not sealing.is_encrypted(Path(case_dir))):
        return None
    value: str | None = None
    file = getattr(args, "case_passphrase_file", None)
    if file:
        value = passphrase_from_file(file)
    elif os.environ.get(sealing.PASSPHRASE_ENV):
        value = os.environ[sealing.PASSPHRASE_ENV]
    elif sys.stdin.isatty():
        value = getpass.getpass(f"Passphrase for the case {case_dir}: ")
        if confirm and getpass.getpass("Again, to be sure: ") != value:
            raise BadInput("the two passphrases differ; nothing was created")
    args.case_passphrase = value
    return value


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def add_command(sub: Any, name: str, func: Command, help: str, case: bool = True,
                examiner: bool = True, writes: bool | Callable[[argparse.Namespace], bool] | None = None
                ) -> argparse.ArgumentParser:
    """A subcommand running ``func``; with CASE_DIR and --examiner unless told otherwise.

    ``writes`` (default: a command with a case and an examiner) says the command may change
    CASE_DIR, so it takes --passphrase-file and ends with a signed checkpoint (:func:`run`)."""
    p = sub.add_parser(name, help=help, description=help)
    if case:
        p.add_argument("case_dir", type=Path, metavar="CASE_DIR")
        p.add_argument("--case-passphrase-file", metavar="FILE",
                       help="an encrypted case's passphrase, from the first line of FILE (default: "
                            "$EVIDENCE_DESK_CASE_PASSPHRASE, else ask when run in a terminal)")
    if examiner:
        p.add_argument("--examiner", help="who acts (default: $EVIDENCE_DESK_EXAMINER, else the case's examiner)")
    if writes is None:
        writes = case and examiner
    if writes:
        add_passphrase_option(p)
        add_wait_option(p)
    p.set_defaults(func=func, writes=writes)
    return p


def add_passphrase_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-file", metavar="FILE",
                   help="read the examiner key's passphrase from the first line of FILE (default: "
                        "$EVIDENCE_DESK_KEY_PASSPHRASE, else ask when run in a terminal)")


# --- the reviewer key, for encrypted packets (docs/encrypted-packets.md) -------------------

NO_REVIEWER_PASSPHRASE = ("no passphrase for the reviewer key: set EVIDENCE_DESK_REVIEWER_PASSPHRASE (or "
                          "EVIDENCE_DESK_KEY_PASSPHRASE), pass --reviewer-passphrase-file FILE, or run in a terminal")


def add_reviewer_passphrase_option(p: argparse.ArgumentParser, *names: str) -> None:
    p.add_argument(*(names or ("--reviewer-passphrase-file",)), dest="reviewer_passphrase_file", metavar="FILE",
                   help="read the reviewer key's passphrase from the first line of FILE, to open an encrypted "
                        "packet (default: $EVIDENCE_DESK_REVIEWER_PASSPHRASE, else $EVIDENCE_DESK_KEY_PASSPHRASE, "
                        "else ask when run in a terminal)")


def read_reviewer_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str | None:
    """--reviewer-passphrase-file, else the environment, else a prompt when there is a terminal."""
    from ..core import reviewer_keys

    return _key_passphrase(getattr(args, "reviewer_passphrase_file", None), reviewer_keys.passphrase_from_env(),
                           "Reviewer key passphrase: ", confirm)


def unlock_if_encrypted(packet: Path, args: argparse.Namespace) -> bool:
    """Unlock the reviewer key if ``packet`` is an encrypted packet; True if it is one."""
    from ..core import reviewer_keys
    from ..core.packet.archive import is_encrypted

    if not packet.is_file() or not is_encrypted(packet):
        return False
    stored = reviewer_keys.load_public()
    if stored is None:
        raise reviewer_keys.KeyMissing(f"{packet.name} is an encrypted packet and you have no reviewer key at "
                                       f"{reviewer_keys.key_path()}; `evidence-desk reviewer-key create` makes one")
    if any(k.public_key == stored.public_key for k in reviewer_keys.unlocked()):
        return True
    passphrase = read_reviewer_passphrase(args)
    if passphrase is None:
        raise reviewer_keys.NoPassphrase(NO_REVIEWER_PASSPHRASE)
    reviewer_keys.unlock(passphrase)
    return True


def add_group(sub: Any, name: str, help: str) -> Any:
    """A command with subcommands of its own (``event add``, ``claim link``)."""
    return sub.add_parser(name, help=help).add_subparsers(dest=f"{name}_command", required=True)
