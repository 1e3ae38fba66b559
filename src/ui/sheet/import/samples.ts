/** Small sheets in public/samples that a new user can open from the empty sheet; they use the demo project's spans. */
export const SAMPLES = [
  {
    title: 'Tag reviewed traces',
    fileName: 'reviewed-traces.csv',
    path: '/samples/reviewed-traces.csv',
    description: 'An analyst marks reviewed spans with a reviewer and a quality score.',
  },
  {
    title: 'Fix a mislabeled conversation',
    fileName: 'fix-conversation.jsonl',
    path: '/samples/fix-conversation.jsonl',
    description: 'A support engineer corrects the labels of a few spans, one with a patch_document.',
  },
  {
    title: 'Spreadsheet export with problems',
    fileName: 'spreadsheet-export.csv',
    path: '/samples/spreadsheet-export.csv',
    description: 'A semicolon CSV from a spreadsheet, with a few cells that need fixing.',
  },
] as const;
