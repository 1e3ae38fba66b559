import { strToU8, zipSync } from 'fflate';
import { cellText, type ColumnSettings } from '@/core/columns';
import type { FailedRow } from './failed-cells';
import { escapeSpreadsheetFormula } from './failed-rows-csv';

/** The fill of a cell that caused a failure: Excel's light red ("Bad" style), RRGGBB. */
export const FAILED_CELL_FILL = 'FFC7CE';
/** The header of the column that holds each row's error messages. */
export const ERROR_COLUMN = 'Error';
/** The name of the one sheet of the workbook. */
export const FAILED_ROWS_SHEET = 'Failed rows';

/** Text as XML character data: the five escapes, and characters XML 1.0 cannot hold dropped. */
function xml(text: string): string {
  return text
    .replace(/[\p{Cc}\ufffe\uffff]/gu, (char) =>
      char === '\t' || char === '\n' || char === '\r' ? char : '',
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function columnName(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

/** A cell's XML: numbers and booleans as such, everything else as text escaped against formula injection. */
function cellXml(ref: string, value: unknown, style: number): string {
  const s = style === 0 ? '' : ` s="${style}"`;
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"${s}><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c r="${ref}"${s} t="b"><v>${value ? 1 : 0}</v></c>`;
  const text = typeof value === 'string' ? value : cellText(value as never);
  if (text === '' && style === 0) return '';
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${xml(escapeSpreadsheetFormula(text))}</t></is></c>`;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

function styles(): string {
  return (
    `${XML_HEAD}<styleSheet xmlns="${MAIN}">` +
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
    `<fill><patternFill patternType="solid"><fgColor rgb="FF${FAILED_CELL_FILL}"/><bgColor indexed="64"/></patternFill></fill></fills>` +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>' +
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
  );
}

/** The legacy drawing Excel needs to show a comment's box beside its cell. */
function commentShape(row: number, column: number, id: number): string {
  return (
    `<v:shape id="_x0000_s${1024 + id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;` +
    'width:220pt;height:80pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">' +
    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>' +
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>' +
    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>' +
    `<x:Anchor>${column + 1}, 15, ${row}, 2, ${column + 4}, 15, ${row + 4}, 16</x:Anchor>` +
    `<x:AutoFill>False</x:AutoFill><x:Row>${row}</x:Row><x:Column>${column}</x:Column></x:ClientData></v:shape>`
  );
}

/**
 * The failed rows as an Excel workbook (.xlsx): one sheet, the sheet's own columns plus an "Error" column; each
 * cell that caused a failure (`FailedRow.marks`) filled light red with the failure's message as its comment.
 * Numbers and booleans stay numbers and booleans; text is escaped against formula injection as in the CSV.
 */
export function failedRowsXlsx(
  columns: readonly Pick<ColumnSettings, 'name'>[],
  rows: readonly FailedRow[],
): Uint8Array {
  const errorColumn = columns.length;
  const header =
    `<row r="1">${columns.map((column, index) => cellXml(`${columnName(index)}1`, column.name, 2)).join('')}` +
    `${cellXml(`${columnName(errorColumn)}1`, ERROR_COLUMN, 2)}</row>`;
  const comments: string[] = [];
  const shapes: string[] = [];
  const body = rows.map((failed, index) => {
    const r = index + 2;
    const cells = columns.map((_column, column) => {
      const ref = `${columnName(column)}${r}`;
      const marked = failed.marks.get(column);
      if (marked !== undefined) {
        comments.push(
          `<comment ref="${ref}" authorId="0"><text><t xml:space="preserve">${xml(marked.join('\n'))}</t></text></comment>`,
        );
        shapes.push(commentShape(r - 1, column, shapes.length + 1));
      }
      return cellXml(ref, failed.cells[column], marked === undefined ? 0 : 1);
    });
    const error = cellXml(`${columnName(errorColumn)}${r}`, failed.errors.join('\n'), 0);
    return `<row r="${r}">${cells.join('')}${error}</row>`;
  });
  const hasComments = comments.length > 0;
  const widths = `<cols><col min="${errorColumn + 1}" max="${errorColumn + 1}" width="60" customWidth="1"/></cols>`;
  const sheet =
    `${XML_HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${REL}">` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `${widths}<sheetData>${header}${body.join('')}</sheetData>` +
    (hasComments ? '<legacyDrawing r:id="rId2"/>' : '') +
    '</worksheet>';
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        (hasComments
          ? '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
          : '') +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      `${XML_HEAD}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(
      `${XML_HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="${FAILED_ROWS_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `${XML_HEAD}<Relationships xmlns="${PKG_REL}">` +
        `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    ),
    'xl/styles.xml': strToU8(styles()),
    'xl/worksheets/sheet1.xml': strToU8(sheet),
  };
  if (hasComments) {
    files['xl/worksheets/_rels/sheet1.xml.rels'] = strToU8(
      `${XML_HEAD}<Relationships xmlns="${PKG_REL}">` +
        `<Relationship Id="rId1" Type="${REL}/comments" Target="../comments1.xml"/>` +
        `<Relationship Id="rId2" Type="${REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>`,
    );
    files['xl/comments1.xml'] = strToU8(
      `${XML_HEAD}<comments xmlns="${MAIN}"><authors><author>Spanpatch</author></authors><commentList>${comments.join('')}</commentList></comments>`,
    );
    files['xl/drawings/vmlDrawing1.vml'] = strToU8(
      '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" ' +
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>' +
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">' +
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>' +
        `${shapes.join('')}</xml>`,
    );
  }
  return zipSync(files, { level: 6 });
}
