/** Entry of the terraform-provider-workzone bundle. */
import { serve } from '../plugin';
import { workzoneProvider } from './provider';

serve(workzoneProvider);
