"""Taint flows in WebOb/Pecan code as OpenStack services write it."""
import subprocess

import pecan
import webob.dec
from pecan import expose


class ServersController:
    def create(self, req, body):
        name = body["server"]["name"]
        # ruleid: taint-command-injection
        subprocess.check_call("virsh define " + name, shell=True)

    def update(self, req, id, body):
        # ruleid: taint-command-injection
        subprocess.check_call(f"virsh setmem {id} {body['memory']}", shell=True)
        # ok: taint-command-injection
        subprocess.check_call("virsh list", shell=True)


@webob.dec.wsgify
def app(req):
    # ruleid: taint-command-injection
    subprocess.call("ping -c1 " + req.params["host"], shell=True)
    # ruleid: taint-command-injection
    subprocess.call("lookup " + req.GET.get("name", ""), shell=True)


class RootController:
    @expose()
    def restart(self, service):
        # ruleid: taint-command-injection
        subprocess.call("systemctl restart " + service, shell=True)

    @expose()
    def status(self):
        # ruleid: taint-command-injection
        subprocess.call("systemctl status " + pecan.request.params["unit"], shell=True)
