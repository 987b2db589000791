function __convo_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __convo_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __convo_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __convo_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __convo_parse_tokens -S
    set -l unparsed_tokens (__convo_tokens -pc)
    switch $unparsed_tokens[1]
    case 'convo'
        __convo_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __convo_parse_subcommand 0 'model=' 'provider=' 'base-url=' 'instructions=' 'json' 'version' 'h/help'
        case 'say'
            __convo_parse_subcommand -r 1 'model=' 'instructions=' 'temperature=' 'preset=' 'max-output-tokens=' 'no-store' 'stream' 'no-stream' 'json' 'b=' 'replay' 'regenerate' 'at=' 'new' 'on=' 'allow-insecure-http' 'a=+' 'version' 'h/help'
        case 'chat'
            __convo_parse_subcommand 1 'new' 'on=' 'json' 'version' 'h/help'
        case 'log'
            __convo_parse_subcommand 1 'n=' 'oneline' 'format=' 'graph' 'all' 'reverse' 'json' 'color=' 'no-pager' 'remote' 'version' 'h/help'
        case 'show'
            __convo_parse_subcommand 1 'json' 'raw' 'o/output-only' 'color=' 'no-pager' 'version' 'h/help'
        case 'status'
            __convo_parse_subcommand 0 'json' 'color=' 'version' 'h/help'
        case 'checkout'
            __convo_parse_subcommand 1 'b=' 'orphan=' 'json' 'version' 'h/help'
        case 'branch'
            __convo_parse_subcommand -r 1 'd' 'D' 'm' 'json' 'preset=' 'color=' 'version' 'h/help'
        case 'reflog'
            __convo_parse_subcommand 1 'json' 'color=' 'version' 'h/help'
        case 'rev-parse'
            __convo_parse_subcommand -r 1 'json' 'version' 'h/help'
        case 'diff'
            __convo_parse_subcommand 2 'json' 'version' 'h/help'
        case 'gc'
            __convo_parse_subcommand 0 'prune=' 'dry-run' 'remote' 'all' 'check-remote' 'json' 'version' 'h/help'
        case 'fsck'
            __convo_parse_subcommand 0 'rebuild-index' 'json' 'version' 'h/help'
        case 'config'
            __convo_parse_subcommand 2 'list' 'unset' 'json' 'version' 'h/help'
        case 'import'
            __convo_parse_subcommand 1 'from-llm' 'json' 'version' 'h/help'
        case 'export'
            __convo_parse_subcommand 1 'all' 'format=' 'json' 'version' 'h/help'
        case 'fetch'
            __convo_parse_subcommand 1 'b=' 'allow-insecure-http' 'version' 'h/help'
        case 'search'
            __convo_parse_subcommand 2 'all' 'n=' 'json' 'version' 'h/help'
        case 'usage'
            __convo_parse_subcommand 1 'all' 'by=' 'json' 'version' 'h/help'
        case 'upgrade'
            __convo_parse_subcommand 0 'json' 'version' 'h/help'
        case 'remote'
            __convo_parse_subcommand -r 2 'v/verbose' 'json' 'version' 'h/help'
        case 'push'
            __convo_parse_subcommand -r 2 'all' 'force' 'dry-run' 'json' 'progress' 'no-progress' 'version' 'h/help'
        case 'pull'
            __convo_parse_subcommand 1 'dry-run' 'json' 'progress' 'no-progress' 'version' 'h/help'
        case 'clone'
            __convo_parse_subcommand 2 'json' 'progress' 'no-progress' 'version' 'h/help'
        case 'models'
            __convo_parse_subcommand 0 'json' 'allow-insecure-http' 'version' 'h/help'
        case 'compact'
            __convo_parse_subcommand 1 'keep=' 'allow-insecure-http' 'json' 'version' 'h/help'
        case 'completion'
            __convo_parse_subcommand 1 'version' 'h/help'
        case 'help'
            __convo_parse_subcommand -r 1 'version'
        end
    end
end

function __convo_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __convo_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __convo_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __convo_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__convo_tokens -p)
    if test -z "$(__convo_tokens -t)"
        set -l index (count (__convo_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'convo' -f
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'init' -d 'Create a repository in .convo/ (or $CONVO_DIR).'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'say' -d 'Send one message to the model and commit the answer as a new turn.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'chat' -d 'Hold a conversation at a prompt; every answer is the turn \'convo say\' would commit.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'log' -d 'Show the history of turns, newest first.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'show' -d 'Show one turn in full: request, answer, usage.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'status' -d 'Show the branch, HEAD, settings and what the server still holds.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'checkout' -d 'Move HEAD to a branch or turn; with -b, fork a new branch there.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'branch' -d 'List, create, delete or rename branches.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'reflog' -d 'Show every move of HEAD or a branch, newest first.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'rev-parse' -d 'Print the full id of each revision.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'diff' -d 'Compare two turns: their conversations since the common ancestor, and their answers.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'gc' -d 'Mark expired server state, delete unreachable server copies, prune, repack, compact.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'fsck' -d 'Verify every object, reference and ref; exit 1 if anything is wrong.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'config' -d 'Read or change repository settings.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'import' -d 'Import turns from a JSON Lines transcript (one turn a line), or llm\'s logs, all or nothing.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'export' -d 'Write the history as JSON Lines (lossless) or Markdown.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'fetch' -d 'Bring a conversation that lives on the server into the repository.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'search' -d 'Find turns whose message or answer contains words, newest first.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'usage' -d 'Add up tokens, replays, compactions and cost of a conversation or of every turn.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'upgrade' -d 'Migrate the repository to this convo\'s format.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'remote' -d 'List, add or remove the git remotes conversations are pushed to and pulled from.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'push' -d 'Send the conversations to a git remote, under this machine\'s name.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'pull' -d 'Bring other machines\' conversations from a git remote and reconcile the branches.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'clone' -d 'Make a new repository from a git remote: init, pull, and check out the most recent branch.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'models' -d 'List the models the server offers; * marks the one the next say uses.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'compact' -d 'Compact a conversation on the server into a compaction turn.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'completion' -d 'Print the shell completion script for bash, zsh or fish.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo init" model' -l 'model' -d 'Default model for new turns.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo init" provider' -l 'provider' -d 'API provider: xai, openai or custom (default: xai; openai when OPENAI_API_KEY is the only key set).' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo init" base-url' -l 'base-url' -d 'API base URL, for any Responses-compatible server.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo init" instructions' -l 'instructions' -d 'Instructions (system prompt) for new conversations.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo init" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo init" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" model' -l 'model' -d 'The model to ask (default: config model, else the provider\'s).' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" instructions' -l 'instructions' -d 'Instructions (system prompt) for this turn, overriding config.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" temperature' -l 'temperature' -d 'Sampling temperature, from 0 to 2.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" preset' -l 'preset' -d 'Use this preset\'s model, instructions and temperature (config preset.NAME.*); options given override them.' -rfka '(__convo_custom_completion ---completion say -- --preset (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" max-output-tokens' -l 'max-output-tokens' -d 'Upper bound on generated tokens, 1 or more.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" no-store' -l 'no-store' -d 'Ask the server not to store the response (the next say replays).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" stream' -l 'stream' -d 'Stream the answer as it arrives (default: when stdout is a terminal).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" no-stream' -l 'no-stream' -d 'Stream the answer as it arrives (default: when stdout is a terminal).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" json' -l 'json' -d 'Print one JSON object: turn, response_id, output_text, usage, replay.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" b' -s 'b' -d 'Start this branch (at HEAD, or where --regenerate/--at start) and put the turn on it.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" replay' -l 'replay' -d 'Send the whole local history instead of previous_response_id.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" regenerate' -l 'regenerate' -d 'Ask HEAD\'s question again from HEAD\'s parent, on a new branch (takes no message).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" at' -l 'at' -d 'Answer from this earlier turn, on a new branch.' -rfka '(__convo_custom_completion ---completion say -- --at (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" new' -l 'new' -d 'Start a new conversation with no parent, on a new branch (-b, else named from the message).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" on' -l 'on' -d 'Answer on this branch\'s conversation: the branch moves, HEAD stays.' -rfka '(__convo_custom_completion ---completion say -- --on (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" allow-insecure-http' -l 'allow-insecure-http' -d 'Allow plain http to a host that is not loopback (sends the key in clear text).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say"' -s 'a' -d 'Attach a file or image (repeatable): an image or a PDF is sent with the message, a text file is put into it; an https:// URL is passed as is.' -rF
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo say" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo chat" -eq 1' -fka '(__convo_custom_completion ---completion chat -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo chat" new' -l 'new' -d 'The first message starts a new conversation on a new branch (named from it).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo chat" on' -l 'on' -d 'Answer on this branch\'s conversation: the branch moves, HEAD stays.' -rfka '(__convo_custom_completion ---completion chat -- --on (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo chat" json' -l 'json' -d 'Print one JSON object per turn, as \'convo say --json\' does.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo chat" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo chat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo log" -eq 1' -fka '(__convo_custom_completion ---completion log -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" n' -s 'n' -d 'Show at most this many turns.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" oneline' -l 'oneline' -d 'One line per turn: short id, refs, input → answer (the same as --format=oneline).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" format pretty' -l 'format' -l 'pretty' -d 'oneline, medium, or a template such as \'%h %s\' (placeholders above).' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" graph' -l 'graph' -d 'Draw the conversation tree (one line per turn unless --format says otherwise).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" all' -l 'all' -d 'Every turn any branch or HEAD reaches.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" reverse' -l 'reverse' -d 'Oldest first.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" json' -l 'json' -d 'One JSON object per line.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" color' -l 'color' -d 'When to colour: auto (stdout is a terminal and NO_COLOR is unset), always (even through a pipe, e.g. for a pager), never.' -rfka 'auto always never'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" no-pager' -l 'no-pager' -d 'Print straight to stdout even on a terminal (default: page through $CONVO_PAGER, $PAGER or less -FRX).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" remote' -l 'remote' -d 'Mark each turn with its server state: [live], [expired], [deleted], [not stored], [failed].'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo log" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo show" -eq 1' -fka '(__convo_custom_completion ---completion show -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo show" json' -l 'json' -d 'Print the turn as one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo show" raw' -l 'raw' -d 'Print the server\'s own JSON response as recorded.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo show" o output-only' -s 'o' -l 'output-only' -d 'Print only the answer, exactly as the model wrote it (never paged).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo show" color' -l 'color' -d 'When to colour: auto (stdout is a terminal and NO_COLOR is unset), always (even through a pipe, e.g. for a pager), never.' -rfka 'auto always never'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo show" no-pager' -l 'no-pager' -d 'Print straight to stdout even on a terminal (default: page through $CONVO_PAGER, $PAGER or less -FRX).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo show" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo status" json' -l 'json' -d 'Print one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo status" color' -l 'color' -d 'When to colour: auto (stdout is a terminal and NO_COLOR is unset), always (even through a pipe, e.g. for a pager), never.' -rfka 'auto always never'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo status" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo checkout" b' -s 'b' -d 'Create this branch at the revision and switch to it.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo checkout" orphan' -l 'orphan' -d 'Start a new conversation: HEAD on this new branch, with no turns yet.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo checkout" -eq 1' -fka '(__convo_custom_completion ---completion checkout -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo checkout" json' -l 'json' -d 'Print the new position as one JSON object: head, branch, created, detached.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo checkout" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo checkout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" d' -s 'd' -d 'Delete a branch whose turns another branch or HEAD reaches.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" D' -s 'D' -d 'Delete a branch even if its turns become unreachable.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" m' -s 'm' -d 'Rename: -m [OLD] NEW.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" json' -l 'json' -d 'List as JSON, one branch per line.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" preset' -l 'preset' -d 'Use this preset for every say on the branch.' -rfka '(__convo_custom_completion ---completion branch -- --preset (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" color' -l 'color' -d 'When to colour: auto (stdout is a terminal and NO_COLOR is unset), always (even through a pipe, e.g. for a pager), never.' -rfka 'auto always never'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo branch" -ge 1' -fka '(__convo_custom_completion ---completion branch -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo branch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo reflog" -eq 1' -fka '(__convo_custom_completion ---completion reflog -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo reflog" json' -l 'json' -d 'One JSON object per line.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo reflog" color' -l 'color' -d 'When to colour: auto (stdout is a terminal and NO_COLOR is unset), always (even through a pipe, e.g. for a pager), never.' -rfka 'auto always never'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo reflog" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo reflog" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo rev-parse" -ge 1' -fka '(__convo_custom_completion ---completion rev-parse -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo rev-parse" json' -l 'json' -d 'One JSON object per revision: {"revision", "id"}.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo rev-parse" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo rev-parse" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo diff" -eq 1' -fka '(__convo_custom_completion ---completion diff -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo diff" -eq 2' -fka '(__convo_custom_completion ---completion diff -- positional@1 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo diff" json' -l 'json' -d 'Print one JSON object: from, to, base, removed, added, answer_diff.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo diff" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" prune' -l 'prune' -d 'Prune unreachable objects written before: now, never, an RFC 3339 time, or N.days.ago.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" dry-run' -l 'dry-run' -d 'Print what would be expired, deleted on the server and pruned; change nothing, send nothing.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" remote' -l 'remote' -d 'Delete the server copies of responses no branch, HEAD or reflog entry reaches.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" all' -l 'all' -d 'With --remote: delete every live server copy, reachable ones too.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" check-remote' -l 'check-remote' -d 'Ask the server about the tip of every branch and HEAD; mark missing ones expired.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" json' -l 'json' -d 'Print one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo gc" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fsck" rebuild-index' -l 'rebuild-index' -d 'Recreate the derived tables (turn index, text references, search index) from the objects first.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fsck" json' -l 'json' -d 'Print one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fsck" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fsck" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo config" list' -l 'list' -d 'List every setting.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo config" unset' -l 'unset' -d 'Remove the setting.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo config" json' -l 'json' -d 'Print as JSON: {"key", "value"} for one key, one object of every key for --list.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo config" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo import" -eq 1' -F
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo import" from-llm' -l 'from-llm' -d 'Import the llm CLI\'s logs database (SQLite) instead of a transcript.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo import" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo import" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo export" -eq 1' -fka '(__convo_custom_completion ---completion export -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo export" all' -l 'all' -d 'Every turn any branch or HEAD reaches.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo export" format' -l 'format' -d 'jsonl (default) or markdown.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo export" json' -l 'json' -d 'The same as --format jsonl: one JSON object per turn.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo export" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fetch" b' -s 'b' -d 'End on this new branch (checked out).' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fetch" allow-insecure-http' -l 'allow-insecure-http' -d 'Allow plain http to a host that is not loopback (sends the key in clear text).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fetch" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo fetch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo search" -eq 1' -fka '(__convo_custom_completion ---completion search -- positional@1 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo search" all' -l 'all' -d 'Search every stored turn, on every branch.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo search" n' -s 'n' -d 'Show at most this many matches (default 20).' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo search" json' -l 'json' -d 'One JSON object per line.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo search" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo search" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo usage" -eq 1' -fka '(__convo_custom_completion ---completion usage -- positional@0 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo usage" all' -l 'all' -d 'Count every turn a branch or HEAD reaches.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo usage" by' -l 'by' -d 'One row per branch, model or day.' -rfka 'branch model day'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo usage" json' -l 'json' -d 'Print one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo usage" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo usage" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo upgrade" json' -l 'json' -d 'Print one JSON object: {"path", "from", "to"}.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo upgrade" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo upgrade" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo remote" -eq 1' -fka 'add remove'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo remote" v verbose' -l 'verbose' -s 'v' -d 'List with URLs.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo remote" json' -l 'json' -d 'Print JSON: the list, or the remote added or removed.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo remote" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo remote" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo push" -ge 1' -fka '(__convo_custom_completion ---completion push -- positional@1 (count (__convo_tokens -pc)) (__convo_tokens -tC))'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" all' -l 'all' -d 'Push every branch (the default; for scripts that say so).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" force' -l 'force' -d 'Replace this machine\'s own refs on the remote even when they are not fast-forwards.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" dry-run' -l 'dry-run' -d 'Print what would be pushed; export and send nothing.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" json' -l 'json' -d 'Print one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" progress' -l 'progress' -d 'Show progress on stderr (git\'s meter, turns exported or checked); default: when stdout is a terminal.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" no-progress' -l 'no-progress' -d 'Show progress on stderr (git\'s meter, turns exported or checked); default: when stdout is a terminal.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo push" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo pull" dry-run' -l 'dry-run' -d 'Fetch and check, and print what would change; write nothing to the repository.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo pull" json' -l 'json' -d 'Print one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo pull" progress' -l 'progress' -d 'Show progress on stderr (git\'s meter, turns exported or checked); default: when stdout is a terminal.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo pull" no-progress' -l 'no-progress' -d 'Show progress on stderr (git\'s meter, turns exported or checked); default: when stdout is a terminal.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo pull" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo pull" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo clone" -eq 1' -fa '(__convo_complete_directories)'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo clone" json' -l 'json' -d 'Print one JSON object.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo clone" progress' -l 'progress' -d 'Show progress on stderr (git\'s meter, turns exported or checked); default: when stdout is a terminal.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo clone" no-progress' -l 'no-progress' -d 'Show progress on stderr (git\'s meter, turns exported or checked); default: when stdout is a terminal.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo clone" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo clone" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo models" json' -l 'json' -d 'One JSON object a line: id, created, owned_by, default.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo models" allow-insecure-http' -l 'allow-insecure-http' -d 'Allow plain http to a host that is not loopback (sends the key in clear text).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo models" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo models" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo compact" keep' -l 'keep' -d 'How many of the newest turns a replay still sends verbatim.' -rfka ''
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo compact" allow-insecure-http' -l 'allow-insecure-http' -d 'Allow plain http to a host that is not loopback (sends the key in clear text).'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo compact" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo compact" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo compact" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_positional "convo completion" -eq 1' -fka 'zsh bash fish'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo completion" version' -l 'version' -d 'Show the version.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo completion" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'convo' -n '__convo_should_offer_completions_for_flags_or_options "convo help" version' -l 'version' -d 'Show the version.'
