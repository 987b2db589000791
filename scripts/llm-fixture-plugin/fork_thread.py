"""Forks an llm thread at its first answer and continues the fork, through llm's own Python API
(llm 0.32+ has no CLI command for forking yet). Usage: python fork_thread.py LOGS_DB THREAD_ID PROMPT"""
import sys

import sqlite_utils
from llm.cli import load_conversation
from llm.logs import LogStore

path, thread_id, prompt = sys.argv[1:4]
db = sqlite_utils.Database(path)
store = LogStore(db)
first_answer = next(db.query(
    "select tip_message_hash from turns where thread_id = ? order by id limit 1", [thread_id]))["tip_message_hash"]
fork_id = store.fork(first_answer, name="Paris instead", forked_from=thread_id)
conversation = load_conversation(thread_id, database=path)
conversation.id = fork_id
conversation.responses = conversation.responses[:1]
conversation.loaded_messages = store.thread_messages(fork_id)
response = conversation.prompt(prompt)
response.text()
response.log_to_db(db)
print(fork_id)
