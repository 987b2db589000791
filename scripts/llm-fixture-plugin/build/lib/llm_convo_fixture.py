"""An offline model for making llm logs databases: answers deterministically, never touches the network.

Registered through llm's plugin hook (entry point "llm"), so the real `llm` CLI logs its prompts,
conversations and token counts exactly as it does for any model.
"""
import llm


class Parrot(llm.Model):
    model_id = "parrot"
    can_stream = True

    def execute(self, prompt, stream, response, conversation=None):
        # The earlier turns the model was sent: llm 0.32+ passes the whole message chain in
        # prompt.messages; older versions pass the conversation's responses.
        messages = getattr(prompt, "messages", None)
        if messages is not None:
            earlier = max(0, sum(1 for message in messages if message.role == "user") - 1)
        else:
            earlier = len(conversation.responses) if conversation is not None else 0
        text = prompt.prompt or ""
        answer = f"Parrot heard: {text}\n(turn {earlier + 1} of this conversation)"
        if prompt.system:
            answer += f"\nSystem said: {prompt.system}"
        words = len(text.split())
        try:
            response.set_usage(input=words + earlier, output=len(answer.split()))
        except AttributeError:  # llm versions before token usage
            pass
        yield answer


@llm.hookimpl
def register_models(register):
    register(Parrot())
