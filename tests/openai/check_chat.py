"""Checks a `format=chat` export the way OpenAI's tools read it.

    python check_chat.py FILE EXAMPLES

Every line is one fine-tuning example: its messages must validate as the openai
package's own `ChatCompletionMessageParam` types, and the format checks of OpenAI's
cookbook ("Data preparation and analysis for chat model fine-tuning") must find no
error: a dict with a non-empty `messages` list, each message with `role` and string
`content` and no other keys, known roles, and at least one assistant message. EXAMPLES
is how many lines there must be. A broken example must fail both checks, so they are
known to be live. Prints one line.
"""

import json
import sys
from collections import Counter

import openai
import pydantic
from openai.types.chat import ChatCompletionMessageParam

MESSAGES = pydantic.TypeAdapter(list[ChatCompletionMessageParam])
KEYS = {"role", "content", "name", "function_call", "weight"}
ROLES = {"system", "user", "assistant", "function"}


def cookbook_errors(example):
    """The cookbook's format checks for one example, as error names."""
    errors = Counter()
    if not isinstance(example, dict):
        errors["data_type"] += 1
        return errors
    messages = example.get("messages", None)
    if not messages:
        errors["missing_messages_list"] += 1
        return errors
    for message in messages:
        if "role" not in message or "content" not in message:
            errors["message_missing_key"] += 1
        if any(k not in KEYS for k in message):
            errors["message_unrecognized_key"] += 1
        if message.get("role", None) not in ROLES:
            errors["unrecognized_role"] += 1
        content = message.get("content", None)
        function_call = message.get("function_call", None)
        if (not content and not function_call) or not isinstance(content, str):
            errors["missing_content"] += 1
    if not any(m.get("role", None) == "assistant" for m in messages):
        errors["example_missing_assistant_message"] += 1
    return errors


def main():
    path, expected = sys.argv[1], int(sys.argv[2])
    lines = open(path, encoding="utf-8").read().splitlines()
    assert len(lines) == expected, f"{len(lines)} examples, expected {expected}"
    errors = Counter()
    for line in lines:
        example = json.loads(line)
        errors += cookbook_errors(example)
        MESSAGES.validate_python(example["messages"])
    assert not errors, dict(errors)
    broken = {"messages": [{"role": "robot", "content": "hi"}]}
    assert cookbook_errors(broken), "the cookbook checks accepted a broken example"
    try:
        MESSAGES.validate_python(broken["messages"])
    except pydantic.ValidationError:
        pass
    else:
        raise AssertionError("openai's types accepted a broken example")
    print(f"openai {openai.__version__}: {len(lines)} chat examples valid")


if __name__ == "__main__":
    main()
