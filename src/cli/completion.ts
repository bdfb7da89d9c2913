import type { CommandDef } from './context.js';

/** Flags every command with `common !== false` takes (see main.ts addCommon). */
const COMMON = ['-c', '--config', '--stage', '-t', '--target', '--json', '--help'];

interface Node {
  /** Subcommand names (they extend the path). */
  sub: string[];
  /** Values offered here that do not extend the path (option choices). */
  values: string[];
  flags: string[];
}

/** Every command path ('' for the top, 'queue send' for a subcommand) with its next words and flags. */
export function completionTree(commands: CommandDef[]): Map<string, Node> {
  const tree = new Map<string, Node>();
  const walk = (defs: CommandDef[], path: string): void => {
    tree.set(path, { sub: defs.map((d) => d.name), values: [], flags: path === '' ? ['--help', '--version'] : ['--help'] });
    for (const d of defs) {
      const here = path ? `${path} ${d.name}` : d.name;
      if (d.subcommands) walk(d.subcommands, here);
      else {
        const flags = (d.options ?? []).flatMap((o) => o.flags.split(/[ ,]+/).filter((f) => f.startsWith('-')));
        const choices = (d.options ?? []).flatMap((o) => o.choices ?? []);
        tree.set(here, { sub: [], values: here === 'completion' ? ['bash', 'zsh', 'fish'] : choices, flags: [...flags, ...(d.common === false ? ['--help'] : COMMON)] });
      }
    }
  };
  walk(commands, '');
  return tree;
}

const TARGETS = 'aws azure gcp local';

function bash(tree: Map<string, Node>): string {
  const cases = [...tree].map(([path, n]) => `    "${path}") words="${[...n.sub, ...n.values, ...n.flags].join(' ')}" ;;`).join('\n');
  return `# sls-x completion for bash: add to ~/.bashrc
#   source <(sls-x completion bash)
_sls_x() {
  local cur prev path="" words="" i w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    -t|--target) COMPREPLY=( $(compgen -W "${TARGETS}" -- "$cur") ); return 0 ;;
    -c|--config|--file|--out|--rates) COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
  esac
  for (( i=1; i<COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case " $(_sls_x_next "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  words="$(_sls_x_words "$path")"
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
_sls_x_words() {
  local words=""
  case "$1" in
${cases}
  esac
  printf '%s' "$words"
}
_sls_x_next() {
  local words=""
  case "$1" in
${[...tree].map(([path, n]) => `    "${path}") words="${n.sub.join(' ')}" ;;`).join('\n')}
  esac
  printf '%s' "$words"
}
complete -F _sls_x sls-x
`;
}

function zsh(tree: Map<string, Node>): string {
  return `#compdef sls-x
# sls-x completion for zsh: add to ~/.zshrc (after compinit)
#   source <(sls-x completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(tree).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}

function fish(tree: Map<string, Node>): string {
  const lines = ['# sls-x completion for fish: sls-x completion fish > ~/.config/fish/completions/sls-x.fish', 'complete -c sls-x -f'];
  for (const [path, n] of tree) {
    const parts = path ? path.split(' ') : [];
    const cond = parts.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${parts[parts.length - 1]}`;
    for (const w of [...n.sub, ...n.values]) lines.push(`complete -c sls-x -n '${cond}' -a '${w}'`);
    for (const f of n.flags) {
      const long = f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`;
      lines.push(`complete -c sls-x -n '${parts.length ? cond : 'true'}' ${long}${f === '--target' || f === '-t' ? ` -xa '${TARGETS}'` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for a shell, built from the command definitions (so it never drifts). */
export function completionScript(shell: 'bash' | 'zsh' | 'fish', commands: CommandDef[]): string {
  const tree = completionTree(commands);
  return shell === 'bash' ? bash(tree) : shell === 'zsh' ? zsh(tree) : fish(tree);
}
