/** The bench sections, in the order they run and print. Add a section: import it and append it here. */
import type { Section } from '../support/types';
import { emulatorWritesSection } from './emulator-writes';
import { latencySection } from './latency';
import { librariesSection } from './libraries';
import { reattachSection } from './reattach';
import { scaleSection } from './scale';
import { startupSection } from './startup';
import { synthSection } from './synth';
import { tlsContextSection } from './tls-context';
import { unreachableSection } from './unreachable';

export const SECTIONS: readonly Section[] = [
  synthSection,
  startupSection,
  librariesSection,
  scaleSection,
  latencySection,
  reattachSection,
  emulatorWritesSection,
  unreachableSection,
  tlsContextSection,
];
