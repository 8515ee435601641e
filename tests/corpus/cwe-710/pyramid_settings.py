"""Pyramid applications configured in code (issue 20: Configurator(settings={...}))."""
from pyramid.config import Configurator


def main(global_config, **settings):
    config = Configurator(settings={
        "pyramid.includes": "pyramid_debugtoolbar",
        # ruleid: pyramid-debug-settings
        "debugtoolbar.hosts": "0.0.0.0/0",
        # ruleid: pyramid-debug-settings
        "pyramid.debug_authorization": "true",
        # ok: pyramid-debug-settings
        "pyramid.debug_routematch": "false",
    })
    config.scan()
    return config.make_wsgi_app()


def main_local_toolbar(global_config, **settings):
    config = Configurator(settings={
        "pyramid.includes": "pyramid_debugtoolbar",
        # The toolbar's own default is loopback only.
        # ok: pyramid-debug-settings
        "debugtoolbar.hosts": "127.0.0.1 ::1",
        # ok: pyramid-debug-settings
        "pyramid.debug_notfound": "false",
    })
    return config.make_wsgi_app()
