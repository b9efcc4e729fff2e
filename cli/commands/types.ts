/** What the command builders are given besides their parent command. */
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';

/** The Control API of the manager the global options name, connected on first use. */
export type Connect = () => ControlClient;

/** True for `--format json`, false for `table`; any other format is refused. */
export type WantsJson = (o: { format?: string }) => boolean;
