"""Serverless entry points and task queues as sources (issue 20, specs/serverless.toml)."""
# capability: serverless
import subprocess

import azure.functions as func
import boto3
import functions_framework
from celery import Celery, shared_task

app = Celery("jobs")
s3 = boto3.client("s3")


def lambda_handler(event, context):
    key = event["queryStringParameters"]["key"]
    # ruleid: taint-command-injection
    subprocess.run("convert /tmp/" + key + " out.png", shell=True)
    # ok: taint-command-injection
    subprocess.run(["convert", "/tmp/in", "out.png"], check=True)
    return {"statusCode": 200}


def build_report(records, context_name):
    # Not a Lambda handler: no `context` parameter.
    # ok: taint-command-injection
    subprocess.run("echo " + records, shell=False)
    return context_name


@functions_framework.http
def thumbnail(request):
    size = request.args["size"]
    # ruleid: taint-command-injection
    subprocess.run(f"convert in.png -resize {size} out.png", shell=True)
    return "ok"


def main(req: func.HttpRequest) -> func.HttpResponse:
    name = req.params.get("name")
    # ruleid: taint-command-injection
    subprocess.run("greet " + name, shell=True)
    # ok: taint-command-injection
    subprocess.run(["greet", name], check=True)
    return func.HttpResponse("done")


@app.task
def purge(path):
    # ruleid: taint-command-injection
    subprocess.run("rm -rf " + path, shell=True)


@shared_task(bind=True, max_retries=3)
def archive(self, path):
    # ruleid: taint-command-injection
    subprocess.run("tar czf out.tgz " + path, shell=True)
    # ok: taint-command-injection
    subprocess.run(["tar", "czf", "out.tgz", "--", path], check=True)
