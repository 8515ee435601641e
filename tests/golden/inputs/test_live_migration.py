"""Functional tests of live migration: clean example input for the verdict golden tests."""
import subprocess
import tempfile
import threading
import unittest

import pytest


@pytest.fixture
def workdir():
    directory = tempfile.TemporaryDirectory()
    yield directory.name
    directory.cleanup()


class LiveMigrationTest(unittest.TestCase):
    def setUp(self):
        self.lock = threading.Lock()
        self.server = self.create_test_server(name="source", flavor="small")
        self.addCleanup(self.delete_server, self.server["id"])

    def test_migrate(self):
        target = self.create_test_server(name="target", flavor="small")
        self.addCleanup(self.delete_server, target["id"])
        done = threading.Event()
        self.migrate(self.server, target, on_done=done.set)
        self.assertTrue(done.wait(timeout=300), "migration did not finish")

    def test_console_log(self):
        proc = subprocess.Popen(["virsh", "console", "source"], stdout=subprocess.PIPE)
        try:
            output, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        assert b"login:" in output

    def test_parallel_migrations(self):
        self.lock.acquire()
        try:
            for _ in range(3):
                self.assertEqual(self.migrate_all(), 3)
        finally:
            self.lock.release()
