/** Entry of the `kmdlogic` provider bundle (scripts/build-providers.mjs). */
import { serve } from '../plugin';
import { kmdlogicProvider } from './provider';

serve(kmdlogicProvider);
