/**
 * `cluster completion bash|zsh`: a script that completes the CLI's commands, subcommands and
 * options in the shell. The script is made from the commander program as it stands when it
 * runs, so a command added to the CLI is completed without a change here.
 *
 *     source <(cluster completion bash)        # in ~/.bashrc
 *     source <(cluster completion zsh)         # in ~/.zshrc, after compinit
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';

/** One command of the tree, by its words from the program's name on (`cluster service create`). */
interface Entry {
  path: string;
  commands: { name: string; description: string }[];
  options: { flag: string; description: string }[];
  /** Options that take the next word as their value. */
  valued: string[];
}

const SHELLS = ['bash', 'zsh'] as const;

export function completionCommand(program: Command): Command {
  return program
    .command('completion')
    .description('print a shell completion script: source <(cluster completion bash|zsh)')
    .argument('<shell>', SHELLS.join(' or '))
    .action((shell: string) => {
      const entries = commandTree(program);
      if (shell === 'bash') process.stdout.write(bashScript(program.name(), entries));
      else if (shell === 'zsh') process.stdout.write(zshScript(program.name(), entries));
      else throw invalidArgument('shell', SHELLS.join(' or '), shell);
    });
}

/** Every command reachable from `program`, each once per name it answers to. */
export function commandTree(program: Command): Entry[] {
  const entries: Entry[] = [];
  const visit = (cmd: Command, path: string) => {
    const help = cmd.createHelp();
    const subcommands = help.visibleCommands(cmd);
    const options = help.visibleOptions(cmd);
    entries.push({
      path,
      commands: subcommands.flatMap((sub) =>
        [sub.name(), ...sub.aliases()].map((name) => ({
          name,
          description: sub.summary() || sub.description(),
        })),
      ),
      options: options.flatMap((o) =>
        [o.short, o.long]
          .filter((flag): flag is string => flag !== undefined)
          .map((flag) => ({ flag, description: o.description })),
      ),
      valued: options
        .filter((o) => o.required)
        .flatMap((o) => [o.short, o.long].filter((flag): flag is string => flag !== undefined)),
    });
    for (const sub of subcommands) {
      // The implicit `help` command has no tree of its own to complete.
      if (!cmd.commands.includes(sub)) continue;
      for (const name of [sub.name(), ...sub.aliases()]) visit(sub, `${path} ${name}`);
    }
  };
  visit(program, program.name());
  return entries;
}

/** A word in single quotes, for both shells. */
function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The completion function's name for `program`. */
function functionName(program: string): string {
  return `_${program.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function bashScript(program: string, entries: Entry[]): string {
  const fn = functionName(program);
  const table = (name: string, value: (e: Entry) => string[]) =>
    `  declare -gA ${fn}_${name}=(\n${entries.map((e) => `    [${quote(e.path)}]=${quote(value(e).join(' '))}\n`).join('')}  )\n`;
  return `# bash completion for ${program}; load it with: source <(${program} completion bash)
${fn}_tables() {
${table('commands', (e) => e.commands.map((c) => c.name))}${table('options', (e) => e.options.map((o) => o.flag))}${table('valued', (e) => e.valued)}}

${fn}_complete() {
  [[ -v ${fn}_commands ]] || ${fn}_tables
  local cur=\${COMP_WORDS[COMP_CWORD]} at=${program} next word value='' i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ -n $value || $word == '=' ]]; then
      value=''
    elif [[ $word == -* ]]; then
      [[ " \${${fn}_valued[$at]} " == *" $word "* ]] && value=1
    else
      next="$at $word"
      [[ -v ${fn}_commands[$next] ]] && at=$next
    fi
  done
  COMPREPLY=()
  # The value of an option: left to the shell's default (file names).
  [[ -n $value ]] && return
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "\${${fn}_options[$at]}" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "\${${fn}_commands[$at]}" -- "$cur"))
  fi
}

complete -o default -F ${fn}_complete ${program}
`;
}

function zshScript(program: string, entries: Entry[]): string {
  const fn = functionName(program);
  // _describe takes NAME:DESCRIPTION; a colon in the name would need escaping, names have none.
  const described = (items: { name: string; description: string }[]) =>
    items.map((i) => quote(`${i.name}:${i.description.replaceAll('\n', ' ')}`)).join(' ');
  const table = (name: string, value: (e: Entry) => string) =>
    `  typeset -gA ${fn}_${name}\n  ${fn}_${name}=(\n${entries.map((e) => `    ${quote(e.path)} ${quote(value(e))}\n`).join('')}  )\n`;
  return `#compdef ${program}
# zsh completion for ${program}; load it with: source <(${program} completion zsh)
${fn}_tables() {
${table('commands', (e) => described(e.commands))}${table('options', (e) => described(e.options.map((o) => ({ name: o.flag, description: o.description }))))}${table('valued', (e) => e.valued.join(' '))}}

${fn}() {
  (( \${+${fn}_commands} )) || ${fn}_tables
  local at=${program} next word value='' i
  local -a items
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ -n $value ]]; then
      value=''
    elif [[ $word == -* ]]; then
      [[ " \${${fn}_valued[$at]} " == *" \${word%%=*} "* && $word != *=* ]] && value=1
    else
      next="$at $word"
      (( \${+${fn}_commands[$next]} )) && at=$next
    fi
  done
  # The value of an option: file names.
  [[ -n $value ]] && { _files; return }
  if [[ \${words[CURRENT]} == -* ]]; then
    items=(\${(Q)\${(z)${fn}_options[$at]}})
    _describe -t options option items
  else
    items=(\${(Q)\${(z)${fn}_commands[$at]}})
    _describe -t commands command items
  fi
}

if [[ \${funcstack[1]} == ${fn} ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${program}
fi
`;
}
