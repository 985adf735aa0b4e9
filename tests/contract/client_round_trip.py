"""Proves docs/openapi.json usable, not just valid: drives the Python client that PyPI
openapi-python-client generated from it (argument 1: the directory holding the
generated package) against the live app (argument 2: its base URL) with a contributor
token (argument 3): contributes a text, reads it back, corrects it and reads the new
version, each answer parsed into the client's own models."""

import sys

generated, base_url, token = sys.argv[1:4]
sys.path.insert(0, generated)

import builtins  # noqa: E402

from training_data_service_client import AuthenticatedClient  # noqa: E402
from training_data_service_client.types import Unset  # noqa: E402

# openapi-python-client 0.29.1 (and 0.28) leaves `Unset` out of the imports of an
# operation whose body has several media types (here JSON and multipart), while its
# signature names it: without this, importing create_contribution fails.
builtins.Unset = Unset
from training_data_service_client.api.listing import (  # noqa: E402
    get_contribution,
    list_contribution_versions,
    patch_contribution,
)
from training_data_service_client.api.unified_input import create_contribution  # noqa: E402
from training_data_service_client.models import (  # noqa: E402
    Contribution,
    ContributionPatch,
    ContributionReceipt,
    ContributionVersions,
    TextInput,
)

client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
text = "Written through a generated client: ünïcödé and a tab\t."

receipt = create_contribution.sync(client=client, body=TextInput(modality="text", text=text))
assert isinstance(receipt, ContributionReceipt), receipt
assert receipt.status == "complete", receipt.status
assert receipt.extracted_text == text, receipt.extracted_text

row = get_contribution.sync(receipt.id, client=client)
assert isinstance(row, Contribution), row
assert (row.id, row.extracted_text, row.content_hash) == (
    receipt.id,
    text,
    receipt.content_hash,
), row

corrected = patch_contribution.sync(
    receipt.id, client=client, body=ContributionPatch(text="Corrected through the client.")
)
assert isinstance(corrected, Contribution), corrected
assert corrected.extracted_text == "Corrected through the client.", corrected.extracted_text

versions = list_contribution_versions.sync(receipt.id, client=client)
assert isinstance(versions, ContributionVersions), versions
assert [v.text for v in versions.versions] == [text, "Corrected through the client."], versions
print(f"round trip of contribution {receipt.id} through the generated client: ok")
