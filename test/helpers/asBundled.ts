// Loaded before every unit test (.mocharc.json). The tests run the TypeScript output, not the bundles: postal-mime
// gets the Blob that esbuild.js injects into the bundles, so the tests exercise and time the code that ships
// (Node's own Blob grows worse than linearly with a part's lines, and made a linear-time test of DSNs fail).
import { BytesBlob } from '../../src/core/bounce/bytesBlob';

globalThis.Blob = BytesBlob as unknown as typeof Blob;
