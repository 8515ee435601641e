"""Options for a cloud client gathered in a dict and spread with `**`: only the entry that fills the
key parameter can be a hard-coded key (a region literal beside it is not one)."""

import os

import boto3


class QueueBackend:
    def __init__(self, region, port=8000):
        self.endpoint_url = None
        if region == "localhost":
            self.endpoint_url = f"http://localhost:{port}"
            # ok: hardcoded-credential
            self.region = "us-east-1"
        else:
            self.region = region
        self.client(os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY"))

    def client(self, access_key_id=None, secret_access_key=None):
        options = {"region_name": self.region}
        if access_key_id is not None:
            options.update({"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key})
        if self.endpoint_url is not None:
            options["endpoint_url"] = self.endpoint_url
        return boto3.client("sqs", **options)


class PinnedBackend:
    def __init__(self, region=None):
        self.region = region or "us-east-1"

    def client(self):
        return boto3.client("sqs", region_name=self.region,
                            # ruleid: hardcoded-credential
                            aws_secret_access_key="q8Zr2Lx7Vn4Tb1Kw9Hs3Jd6Fp0Ym5Gc")
