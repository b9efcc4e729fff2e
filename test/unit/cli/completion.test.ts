/** `cluster completion bash|zsh`: the scripts cover the CLI's command tree, and bash completes with them. */
import test from 'ava';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { commandTree } from '../../../cli/commands/cluster/completion.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

async function cluster(...args: string[]): Promise<string> {
  return (await run(process.execPath, [cli, ...args], { timeout: 60_000 })).stdout;
}

/** The commands `cluster [words] --help` lists. */
async function listedCommands(...words: string[]): Promise<string[]> {
  const help = await cluster(...words, '--help');
  const section = help.split(/^Commands:$/m)[1] ?? '';
  // `help` is commander's own, completed as a word but with nothing after it.
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

/** What bash offers for the command line `line` (the cursor at its end), with `script` sourced. */
async function bashCompletes(script: string, line: string): Promise<string[]> {
  const probe = `source /dev/stdin <<'SCRIPT'
${script}
SCRIPT
read -ra COMP_WORDS <<< "$1"
[[ $1 == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_cluster_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await run('bash', ['-c', probe, 'bash', line], { timeout: 60_000 });
  return stdout.split('\n').filter((w) => w !== '');
}

test('the tree has every command, alias and option, and which options take a value', (t) => {
  const program = new Command('prog').option('-v, --verbose');
  const group = program.command('group').alias('g');
  group.command('act').option('-n, --count <n>', 'how many').option('--dry-run');
  const entries = commandTree(program);
  t.deepEqual(
    entries.map((e) => e.path),
    ['prog', 'prog group', 'prog group act', 'prog g', 'prog g act'],
  );
  const act = entries.find((e) => e.path === 'prog group act');
  t.deepEqual(
    act?.options.map((o) => o.flag),
    ['-n', '--count', '--dry-run', '-h', '--help'],
  );
  t.deepEqual(act?.valued, ['-n', '--count']);
  t.deepEqual(
    entries.find((e) => e.path === 'prog')?.commands.map((c) => c.name),
    ['group', 'g', 'help'],
  );
});

test('both scripts name every command of the CLI and every subcommand of service and node', async (t) => {
  const top = await listedCommands();
  t.true(top.includes('service') && top.includes('completion'));
  const sub = [...(await listedCommands('service')), ...(await listedCommands('node'))];
  t.true(sub.includes('logs'));
  for (const shell of ['bash', 'zsh']) {
    const script = await cluster('completion', shell);
    for (const name of top) t.true(script.includes(`cluster ${name}'`), `${shell}: ${name}`);
    for (const name of sub)
      t.regex(script, new RegExp(`cluster (service|node) ${name}'`), `${shell}: ${name}`);
  }
});

test('bash completes commands, subcommands and options from the script', async (t) => {
  const script = await cluster('completion', 'bash');
  t.deepEqual(await bashCompletes(script, 'cluster serv'), ['service']);
  t.true((await bashCompletes(script, 'cluster service ')).includes('logs'));
  t.deepEqual(await bashCompletes(script, 'cluster service logs --ti'), ['--timestamps']);
  // A value of a global option is skipped over; so is a value of the command's own.
  t.deepEqual(await bashCompletes(script, 'cluster --data-dir /tmp/d service lo'), ['logs']);
  t.deepEqual(await bashCompletes(script, 'cluster service logs --tail 5 --f'), ['--follow']);
  // Where an option's value goes, nothing of ours is offered (the shell completes file names).
  t.deepEqual(await bashCompletes(script, 'cluster --data-dir '), []);
});

test('an unknown shell is refused', async (t) => {
  const failed = await cluster('completion', 'fish').catch((err: { stderr: string }) => err.stderr);
  t.regex(failed, /bash or zsh/);
});

/** What the zsh script hands to _describe (or whether it asks for file names) for `words`. */
async function zshCompletes(script: string, words: string[]): Promise<string[]> {
  // compdef, _describe and _files stand in for zsh's completion system.
  const probe = `compdef() { :; }
_describe() { local name=\${@[-1]}; print -l -- \${(P)name}; }
_files() { print FILES; }
source /dev/stdin <<'SCRIPT'
${script}
SCRIPT
words=("$@")
CURRENT=$#
_cluster`;
  const { stdout } = await run('zsh', ['-c', probe, 'zsh', ...words], { timeout: 60_000 });
  return stdout.split('\n').filter((w) => w !== '');
}

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

(hasZsh ? test : test.skip)('zsh offers commands and options with their descriptions', async (t) => {
  const script = await cluster('completion', 'zsh');
  t.true((await zshCompletes(script, ['cluster', 'service', ''])).some((w) => w.startsWith('logs:')));
  t.true(
    (await zshCompletes(script, ['cluster', '--data-dir', '/d', 'service', 'logs', '--ti'])).some((w) =>
      w.startsWith('--timestamps:prefix each line'),
    ),
  );
  t.deepEqual(await zshCompletes(script, ['cluster', '--data-dir', '']), ['FILES']);
});
