"""Standard Webhooks signatures (https://www.standardwebhooks.com), by its package.

A delivery carries `webhook-id` (the same on every try of it), `webhook-timestamp`
(this try's, in seconds) and `webhook-signature`: "v1," and the base64 HMAC-SHA256
of "{id}.{timestamp}.{body}" with the endpoint's secret. The secret is 24 random
bytes, told to the admin once as "whsec_" and their base64.
"""

from __future__ import annotations

import base64
import os
from datetime import datetime
from math import floor

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret, as the receiver configures it (whsec_<base64>)."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(24)).decode()


def signed_headers(secret: str, webhook_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three headers of one try of a delivery."""
    signature = Webhook(secret).sign(msg_id=webhook_id, timestamp=at, data=body)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(floor(at.timestamp())),
        "webhook-signature": signature,
    }
