/** `cluster completion bash|zsh`: shell completion (being written). */
import type { Command } from 'commander';

export function completionCommands(_program: Command): void {}
