#!/bin/bash

__convo_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__convo_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__convo_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__convo_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_convo() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __convo_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|say|chat|log|show|status|checkout|branch|reflog|rev-parse|diff|gc|fsck|config|import|export|fetch|search|usage|upgrade|remote|push|pull|clone|models|compact|completion|help)
        # Offer subcommand argument completions
        "_convo_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init say chat log show status checkout branch reflog rev-parse diff gc fsck config import export fetch search usage upgrade remote push pull clone models compact completion help' -- "${cur}"))
        ;;
    esac
}

_convo_init() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--model --provider --base-url --instructions)
    __convo_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--model')
        return
        ;;
    '--provider')
        return
        ;;
    '--base-url')
        return
        ;;
    '--instructions')
        return
        ;;
    esac
}

_convo_say() {
    repeating_flags=()
    non_repeating_flags=(--no-store --stream --no-stream --json --replay --regenerate --new --allow-insecure-http --version -h --help)
    repeating_options=(-a)
    non_repeating_options=(--model --instructions --temperature --preset --max-output-tokens -b --at --on)
    __convo_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--model')
        return
        ;;
    '--instructions')
        return
        ;;
    '--temperature')
        return
        ;;
    '--preset')
        __convo_add_completions -W "$(__convo_custom_complete ---completion say -- --preset "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    '--max-output-tokens')
        return
        ;;
    '-b')
        return
        ;;
    '--at')
        __convo_add_completions -W "$(__convo_custom_complete ---completion say -- --at "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    '--on')
        __convo_add_completions -W "$(__convo_custom_complete ---completion say -- --on "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    '-a')
        __convo_add_completions -f
        return
        ;;
    esac
}

_convo_chat() {
    repeating_flags=()
    non_repeating_flags=(--new --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--on)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--on')
        __convo_add_completions -W "$(__convo_custom_complete ---completion chat -- --on "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion chat -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_log() {
    repeating_flags=()
    non_repeating_flags=(--oneline --graph --all --reverse --json --no-pager --remote --version -h --help)
    repeating_options=()
    non_repeating_options=(-n --format --pretty --color)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-n')
        return
        ;;
    '--format'|'--pretty')
        return
        ;;
    '--color')
        __convo_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion log -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_show() {
    repeating_flags=()
    non_repeating_flags=(--json --raw -o --output-only --no-pager --version -h --help)
    repeating_options=()
    non_repeating_options=(--color)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--color')
        __convo_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion show -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_status() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--color)
    __convo_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--color')
        __convo_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac
}

_convo_checkout() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(-b --orphan)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-b')
        return
        ;;
    '--orphan')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion checkout -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_branch() {
    repeating_flags=()
    non_repeating_flags=(-d -D -m --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--preset --color)
    __convo_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--preset')
        __convo_add_completions -W "$(__convo_custom_complete ---completion branch -- --preset "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    '--color')
        __convo_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __convo_add_completions -W "$(__convo_custom_complete ---completion branch -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_reflog() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--color)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--color')
        __convo_add_completions -W 'auto'$'\n''always'$'\n''never'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion reflog -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_rev-parse() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options -1

    # Offer positional completions
    case "${positional_number}" in
    *)
        __convo_add_completions -W "$(__convo_custom_complete ---completion rev-parse -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_diff() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 2

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion diff -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __convo_add_completions -W "$(__convo_custom_complete ---completion diff -- positional@1 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_gc() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --remote --all --check-remote --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--prune)
    __convo_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--prune')
        return
        ;;
    esac
}

_convo_fsck() {
    repeating_flags=()
    non_repeating_flags=(--rebuild-index --json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 0
}

_convo_config() {
    repeating_flags=()
    non_repeating_flags=(--list --unset --json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 2
}

_convo_import() {
    repeating_flags=()
    non_repeating_flags=(--from-llm --json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -f
        return
        ;;
    esac
}

_convo_export() {
    repeating_flags=()
    non_repeating_flags=(--all --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--format)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--format')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion export -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_fetch() {
    repeating_flags=()
    non_repeating_flags=(--allow-insecure-http --version -h --help)
    repeating_options=()
    non_repeating_options=(-b)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-b')
        return
        ;;
    esac
}

_convo_search() {
    repeating_flags=()
    non_repeating_flags=(--all --json --version -h --help)
    repeating_options=()
    non_repeating_options=(-n)
    __convo_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-n')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    2)
        __convo_add_completions -W "$(__convo_custom_complete ---completion search -- positional@1 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_usage() {
    repeating_flags=()
    non_repeating_flags=(--all --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--by)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--by')
        __convo_add_completions -W 'branch'$'\n''model'$'\n''day'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W "$(__convo_custom_complete ---completion usage -- positional@0 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_upgrade() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 0
}

_convo_remote() {
    repeating_flags=()
    non_repeating_flags=(--verbose -v --json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options -1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W 'add'$'\n''remove'
        return
        ;;
    esac
}

_convo_push() {
    repeating_flags=()
    non_repeating_flags=(--all --force --dry-run --json --progress --no-progress --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options -1

    # Offer positional completions
    case "${positional_number}" in
    *)
        __convo_add_completions -W "$(__convo_custom_complete ---completion push -- positional@1 "${COMP_CWORD}" "$(__convo_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_convo_pull() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --json --progress --no-progress --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 1
}

_convo_clone() {
    repeating_flags=()
    non_repeating_flags=(--json --progress --no-progress --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 2

    # Offer positional completions
    case "${positional_number}" in
    2)
        __convo_add_completions -d
        return
        ;;
    esac
}

_convo_models() {
    repeating_flags=()
    non_repeating_flags=(--json --allow-insecure-http --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 0
}

_convo_compact() {
    repeating_flags=()
    non_repeating_flags=(--allow-insecure-http --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--keep)
    __convo_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--keep')
        return
        ;;
    esac
}

_convo_completion() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __convo_add_completions -W 'zsh'$'\n''bash'$'\n''fish'
        return
        ;;
    esac
}

_convo_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __convo_offer_flags_options -1
}

complete -o filenames -F _convo convo
