/** What the `cluster lab` commands share: the --name option, and progress lines on stderr. */
export const NAME = ['--name <name>', 'the lab', 'lab1'] as const;

export const progress = (line: string) => console.error(line);
