"""An OpenStack-style API controller: clean example input for the verdict golden tests.

Written from the documentation of oslo.policy (an authorisation check on the
request context before acting), oslo.config (options declared secret=True),
oslo.concurrency (processutils.execute with an argument list) and oslo.utils
(strutils.mask_password before logging), in the shape of a Nova API
controller: a wsgi.Controller subclass whose actions are declared with
@wsgi.expected_errors, @wsgi.response and @validation.schema.
"""
from oslo_concurrency import processutils
from oslo_config import cfg
from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import strutils
import webob

from nova.api.openstack import wsgi
from nova.api import validation
from nova.policies import widgets as widget_policies

LOG = logging.getLogger(__name__)

widget_opts = [
    cfg.StrOpt("admin_password", secret=True, help="Password of the widget service account."),
    cfg.StrOpt("widget_host", default="localhost", help="Host of the widget service."),
]
cfg.CONF.register_opts(widget_opts, group="widgets")

CREATE_SCHEMA = {"type": "object", "properties": {"widget": {"type": "object"}}, "required": ["widget"]}


class WidgetsController(wsgi.Controller):
    """Widgets: every action checks its policy on the request context before it acts."""

    def __init__(self, widget_api):
        super().__init__()
        self.widget_api = widget_api

    @wsgi.expected_errors(())
    def index(self, req):
        context = req.environ["nova.context"]
        context.can(widget_policies.POLICY_ROOT % "index", target={"project_id": context.project_id})
        widgets = self.widget_api.get_all(context)
        return {"widgets": [{"id": w["id"], "name": w["name"]} for w in widgets]}

    @wsgi.expected_errors(404)
    def show(self, req, id):
        context = req.environ["nova.context"]
        widget = self.widget_api.get(context, id)
        context.can(widget_policies.POLICY_ROOT % "show", target={"project_id": widget["project_id"]})
        return {"widget": widget}

    @wsgi.response(201)
    @wsgi.expected_errors((400, 409))
    @validation.schema(CREATE_SCHEMA)
    def create(self, req, body):
        context = req.environ["nova.context"]
        context.can(widget_policies.POLICY_ROOT % "create", target={"project_id": context.project_id})
        LOG.debug("Creating widget from %s", strutils.mask_password(jsonutils.dumps(body)))
        return {"widget": self.widget_api.create(context, body["widget"])}

    @wsgi.response(204)
    @wsgi.expected_errors(404)
    def delete(self, req, id):
        context = req.environ["nova.context"]
        context.can(widget_policies.POLICY_ROOT % "delete", target={"project_id": context.project_id})
        try:
            self.widget_api.delete(context, id)
        except KeyError:
            raise webob.exc.HTTPNotFound()


def disk_usage(path_of_store):
    """Size of the widget store, from du's argument list (no shell)."""
    out, _err = processutils.execute("du", "-sb", path_of_store)
    return jsonutils.loads(jsonutils.dumps({"bytes": int(out.split()[0])}))
