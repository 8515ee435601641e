"""A functional test in the testtools/fixtures style: clean example input for the verdict golden tests.

Written from the documentation of testtools (TestCase.useFixture, addCleanup),
the fixtures library (TempDir, MonkeyPatch, EnvironmentVariable) and
unittest.mock (patch as a decorator and as a context manager).
"""
import time
from unittest import mock

import fixtures
import testtools


class FakeAPIError(Exception):
    def __init__(self, response):
        super().__init__(response)
        self.response = response


class FunctionalBase(testtools.TestCase):
    """Starts fake services; the test base's helpers stop them when the test ends."""

    def setUp(self):
        super().setUp()
        self.workdir = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable("WIDGET_STATE_DIR", self.workdir))
        self.useFixture(fixtures.MonkeyPatch("widgets.driver.DEFAULT_TIMEOUT", 1))
        self.flags(state_path=self.workdir)
        self.flags(enabled=False, group="console")
        self.conductor = self.start_service("conductor")
        self.compute = self.start_service("compute", host="host1")
        self.api = self.start_service("api").client
        self.addCleanup(self.api.close)

    def wait_for_status(self, widget_id, status, timeout=10.0):
        """Poll until the widget has the status, for at most `timeout` seconds, else fail the test."""
        deadline = time.monotonic() + timeout
        widget = self.api.get_widget(widget_id)
        while widget["status"] != status and time.monotonic() < deadline:
            time.sleep(0.1)
            widget = self.api.get_widget(widget_id)
        if widget["status"] != status:
            self.fail(f"widget {widget_id} is {widget['status']}, not {status}, after {timeout} s")
        return widget

    def wait_for_event(self, widget_id, name):
        """Try ten times, half a second apart, then fail the test."""
        for _ in range(10):
            events = self.api.list_events(widget_id)
            if any(event["name"] == name for event in events):
                return events
            time.sleep(0.5)
        self.fail(f"no {name} event for widget {widget_id}")


class ResizeTest(FunctionalBase):
    @mock.patch("widgets.driver.Driver.resize_disk", return_value=True)
    @mock.patch("widgets.driver.Driver.get_free_space", return_value=1024)
    @mock.patch("widgets.scheduler.pick_host", return_value="host1")
    def test_resize(self, mock_pick, mock_space, mock_resize):
        widget = self.api.post_widget({"name": "w1", "size": 1})
        self.addCleanup(self.api.delete_widget, widget["id"])
        self.wait_for_status(widget["id"], "ACTIVE")
        try:
            self.api.post_widget_action(widget["id"], {"resize": {"size": 2}})
        except FakeAPIError as ex:
            self.fail(ex.response)
        self.wait_for_event(widget["id"], "resize.end")
        mock_resize.assert_called_once()

    def test_resize_refused_while_busy(self):
        widget = self.api.post_widget({"name": "w2", "size": 1})
        self.addCleanup(self.api.delete_widget, widget["id"])
        with mock.patch("widgets.api.WidgetAPI.is_busy", return_value=True):
            response = self.api.post_widget_action(widget["id"], {"resize": {"size": 2}}, check=False)
        self.assertEqual(409, response.status_code)
