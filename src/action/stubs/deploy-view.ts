import { SlsxError } from '../../errors/slsx-error.js';

/**
 * What src/ui/deploy-view.tsx is inside the prebuilt GitHub Action: the ink progress view is for
 * an interactive terminal, which a CI job never is (the action runs sls-x with `interactive:
 * false`), so ink, React and yoga stay out of dist/action.js.
 */
export function renderDeployView(): never {
  throw new SlsxError('INTERNAL', 'The interactive deploy view is not part of the sls-x GitHub Action.');
}
