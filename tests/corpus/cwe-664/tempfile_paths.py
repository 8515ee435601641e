"""A tempfile.mktemp name used only as a path (CWE-377): the shape `scan --fix` rewrites."""
import shutil
import tempfile


def export_report(rows, destination):
    # ruleid: insecure-tempfile-mktemp
    staging = tempfile.mktemp(suffix=".csv")  # written, then moved into place
    with open(staging, "w") as handle:
        handle.writelines(rows)
    shutil.move(staging, destination)


def export_report_safely(rows, destination):
    # ok: insecure-tempfile-mktemp
    with tempfile.NamedTemporaryFile(delete=False, suffix=".csv") as temp_file:
        staging = temp_file.name  # written, then moved into place
    with open(staging, "w") as handle:
        handle.writelines(rows)
    shutil.move(staging, destination)
