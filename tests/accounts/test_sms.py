"""SMS backends chosen by settings.SMS_BACKEND."""

from accounts import sms


def test_locmem_backend_keeps_messages_in_the_outbox(sms_outbox, settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"

    assert sms.send_sms("+254712345678", "hello") == 1

    assert [(m.to, m.body) for m in sms_outbox] == [("+254712345678", "hello")]


def test_console_backend_prints_the_message(capsys, settings, sms_outbox):
    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"

    sms.send_sms("+254712345678", "123456 is your code")

    out = capsys.readouterr().out
    assert "SMS to +254712345678" in out and "123456 is your code" in out
    assert sms_outbox == []


def test_file_backend_writes_one_file_per_message(tmp_path, settings):
    settings.SMS_BACKEND = "accounts.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")

    sms.send_sms("+254712345678", "first")
    sms.send_sms("+254712345679", "second")

    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    bodies = {f.read_text() for f in files}
    assert "To: +254712345678\n\nfirst\n" in bodies
