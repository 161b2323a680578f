// media/quick-start.png: what `npm start` serves — VS Code 1.100.3 with the extension and samples/maillog open.
import { bounceCountsInStatusBar, openFile, savePicture, withWorkbench } from '../lib/workbench-page.mjs';

await withWorkbench({}, async (page) => {
  await openFile(page, 'maillog');
  // The picture shows the extension at work: coloured codes, ruler marks and the status bar's counts.
  await bounceCountsInStatusBar(page);
  await savePicture(page, 'quick-start.png');
});
