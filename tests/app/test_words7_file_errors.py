"""A file that cannot be written or read: the message names the folder and the reason (saving
into /sys said only "Cannot write talk.drlab: permission denied", not where)."""

from __future__ import annotations

import os
import tempfile

import pytest

from app import dialogs, export, session
from app.files import FileError, describe_os_error, read_limited
from tests.helpers import play


def refuse_writes_in(monkeypatch, error: type[OSError], errno: int, reason: str) -> None:
    """Every atomic write fails as the OS fails it: on the temporary file beside its target."""

    def mkstemp(prefix="", suffix="", dir=None):
        raise error(errno, reason, os.path.join(dir, f"{prefix}abcd1234{suffix}"))

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_a_refused_save_names_the_folder_and_the_reason(win, messages, monkeypatch, tmp_path):
    folder = tmp_path / "talks"
    folder.mkdir()
    refuse_writes_in(monkeypatch, PermissionError, 13, "Permission denied")
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(folder / "talk.drlab"))
    assert not session.save_dialog(win)
    monkeypatch.undo()
    assert len(messages) == 1
    text = messages[0][1]
    assert f"Cannot write talk.drlab: permission denied in the folder {folder}." in text, text
    assert list(folder.iterdir()) == []


def test_an_error_naming_no_file_still_names_the_folder(win, messages, monkeypatch, tmp_path):
    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / "s.drlab"))
    assert not session.save_dialog(win)
    monkeypatch.undo()
    assert f"no space left on device in the folder {tmp_path}." in messages[0][1], messages


def test_a_save_into_a_missing_folder_says_the_folder_is_missing(win, messages, monkeypatch,
                                                               tmp_path):
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / "gone" / "x.drlab"))
    assert not session.save_dialog(win)
    assert f"the folder {tmp_path / 'gone'} does not exist." in messages[0][1], messages


def test_opening_a_missing_file_names_its_folder(win, messages, tmp_path):
    assert not session.open_session(win, tmp_path / "missing.drlab")
    assert f"there is no missing.drlab in the folder {tmp_path}." in messages[0][1], messages
    assert not session.open_session(win, tmp_path / "gone" / "missing.drlab")
    assert f"the folder {tmp_path / 'gone'} does not exist." in messages[1][1], messages


def test_a_refused_export_names_the_folder_too(win, messages, monkeypatch, tmp_path):
    play(win, 10)
    refuse_writes_in(monkeypatch, PermissionError, 13, "Permission denied")
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / "loss.png"))
    assert not export.plot_dialog(win, "loss")
    monkeypatch.undo()
    assert f"permission denied in the folder {tmp_path}." in messages[0][1], messages


@pytest.mark.parametrize(("error", "expected"), [
    (PermissionError(13, "Permission denied", "/sys/.talk.drlab.x.tmp"),
     "permission denied in the folder /sys"),
    (IsADirectoryError(21, "Is a directory", "/.tmp.x.tmp", None, "/tmp"), "/tmp is a folder"),
    (OSError(30, "Read-only file system"), "read-only file system"),
])
def test_describe_os_error(error, expected):
    assert describe_os_error(error) == expected


def test_the_real_unwritable_folder(win):
    """The OS refuses /sys, as it did for the reviewer's save (sysfs holds no files of ours,
    even as root)."""
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("no sysfs here")
    with pytest.raises(FileError, match=r"^Cannot write talk\.drlab: .* in the folder /sys\.$"):
        session.save_session(win, "/sys/talk.drlab")
    with pytest.raises(FileError, match=r"in the folder /sys\.$"):
        read_limited("/sys/no-such-file.drlab", 1000, "session")
