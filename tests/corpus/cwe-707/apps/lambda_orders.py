"""An AWS Lambda handler behind API Gateway (issue 20): the event is request data."""
import json
import os
import subprocess

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ.get("ORDERS_TABLE", "orders"))
BUCKET = os.environ.get("EXPORT_BUCKET", "exports")


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    order_id = params.get("order_id", "")
    item = TABLE.get_item(Key={"order_id": order_id}).get("Item")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"error": "not found"})}
    fmt = params.get("format", "csv")
    # ruleid: taint-command-injection
    subprocess.run(f"export-order {order_id} --format {fmt}", shell=True, check=True)
    # ok: taint-command-injection
    subprocess.run(["export-order", "--format", "csv", "--", order_id], check=True)
    return {"statusCode": 200, "body": json.dumps(item, default=str)}
