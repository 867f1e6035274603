// Pascal VOC XML -> internal form, checked against upstream VOC.yaml's conversion arithmetic.
import { describe, expect, it } from 'vitest';
import { filesOf, prepareFiles, synthJpeg } from './testing';

const obj = (name: string, [xmin, ymin, xmax, ymax]: (number | string)[], difficult = 0) =>
  `  <object>\n    <name>${name}</name>\n    <pose>Unspecified</pose>\n    <truncated>0</truncated>\n    <difficult>${difficult}</difficult>\n` +
  `    <bndbox>\n      <xmin>${xmin}</xmin>\n      <ymin>${ymin}</ymin>\n      <xmax>${xmax}</xmax>\n      <ymax>${ymax}</ymax>\n    </bndbox>\n  </object>\n`;
const xml = (file: string, objects: string, size = [256, 256]) =>
  `<?xml version="1.0"?>\n<annotation>\n  <folder>VOC2007</folder>\n  <filename>${file}</filename>\n` +
  `  <size><width>${size[0]}</width><height>${size[1]}</height><depth>3</depth></size>\n${objects}</annotation>\n`;

/** VOC.yaml's convert_box, in float64 as Python computes it. */
const upstream = (w: number, h: number, [xmin, ymin, xmax, ymax]: number[]) => {
  const dw = 1 / w;
  const dh = 1 / h;
  return [((xmin + xmax) / 2 - 1) * dw, ((ymin + ymax) / 2 - 1) * dh, (xmax - xmin) * dw, (ymax - ymin) * dh];
};

describe('Pascal VOC', () => {
  it('VOCdevkit layout: ImageSets splits, 1-based boxes converted as VOC.yaml, difficult skipped, names sorted', async () => {
    const ds = await prepareFiles(filesOf({
      'VOC2007/Annotations/a.xml': xml('a.jpg', obj('dog', [11, 21, 60, 120]) + obj('cat', [1, 1, 50, 50], 1)),
      'VOC2007/Annotations/b.xml': xml('b.jpg', obj('cat', [1, 1, 256, 256])),
      'VOC2007/Annotations/c.xml': xml('c.jpg', ''),
      'VOC2007/JPEGImages/a.jpg': synthJpeg(0),
      'VOC2007/JPEGImages/b.jpg': synthJpeg(1),
      'VOC2007/JPEGImages/c.jpg': synthJpeg(2),
      'VOC2007/ImageSets/Main/train.txt': 'a\nc\n',
      'VOC2007/ImageSets/Main/val.txt': 'b\n',
    }));
    expect(ds.format).toBe('voc');
    expect(ds.names).toEqual(['cat', 'dog']);
    expect(ds.splits.train.map((i) => i.path)).toEqual(['/VOC2007/JPEGImages/a.jpg', '/VOC2007/JPEGImages/c.jpg']);
    expect(Array.from(ds.splits.train[0].labels)).toEqual([1, ...upstream(256, 256, [11, 21, 60, 120])].map(Math.fround));
    expect(Array.from(ds.splits.val![0].labels)).toEqual([0, ...upstream(256, 256, [1, 1, 256, 256])].map(Math.fround));
    expect(ds.splits.train[0].labelFile).toBe('/VOC2007/Annotations/a.xml');
    // every xml gives a label file upstream: c.xml has no objects -> found and empty
    expect(ds.report.splits.train).toMatchObject({ found: 2, missing: 0, empty: 1, backgrounds: 1, instances: 1 });
    expect(ds.notes).toEqual(["1 difficult object(s) skipped, as upstream's VOC conversion does"]);
    expect(ds.report.problems).toEqual([]);
  });

  it('Roboflow VOC export (xml beside images in train/ valid/), a class list limiting the names', async () => {
    const ds = await prepareFiles(filesOf({
      'classes.txt': 'dog\n',
      'train/a.xml': xml('a.jpg', obj('dog', [10, 10, 100, 100]) + obj('horse', [5, 5, 20, 20])),
      'train/a.jpg': synthJpeg(3),
      'valid/a.xml': xml('a.jpg', obj('dog', [30, 30, 90, 90])),
      'valid/a.jpg': synthJpeg(4),
    }));
    expect(ds.names).toEqual(['dog']);
    expect(ds.splits.train.map((i) => i.path)).toEqual(['/train/a.jpg']);
    expect(ds.splits.val!.map((i) => i.path)).toEqual(['/valid/a.jpg']);
    expect(ds.splits.train[0].labels.length).toBe(5);
    expect(ds.report.problems).toEqual([
      expect.objectContaining({ file: '/train/a.xml', line: 18, code: 'label_class_unknown', action: 'fixed', message: "object 'horse' is not in the class list: skipped" }),
    ]);
  });

  it('bad boxes, sizes and XML are reported with the xml line', async () => {
    const ds = await prepareFiles(filesOf({
      'Annotations/a.xml': xml('a.jpg', obj('dog', [10, 10, 'abc', 100])),
      'Annotations/b.xml': xml('b.jpg', obj('dog', [10, 10, 300, 100])),
      'Annotations/c.xml': xml('c.jpg', obj('dog', [10, 10, 20, 20]), [0, 256]),
      'Annotations/d.xml': xml('d.jpg', obj('dog', [10, 10, 20, 20])),
      'JPEGImages/a.jpg': synthJpeg(5),
      'JPEGImages/b.jpg': synthJpeg(6),
      'JPEGImages/c.jpg': synthJpeg(7),
      'JPEGImages/d.jpg': synthJpeg(8),
    }));
    const of = (name: string) => ds.report.problems.find((p) => p.image === `/JPEGImages/${name}`)!;
    expect(of('a.jpg')).toMatchObject({ file: '/Annotations/a.xml', line: 11, code: 'label_not_numeric', action: 'dropped' });
    // xmax 300 on a 256 px image: centre 0.6 ok, width 1.13 > 1
    expect(of('b.jpg')).toMatchObject({ file: '/Annotations/b.xml', line: 6, code: 'label_out_of_range' });
    expect(of('b.jpg').message).toMatch(/out of bounds coordinate 1\.13\d* in column 4/);
    expect(of('c.jpg')).toMatchObject({ file: '/Annotations/c.xml', line: 5, code: 'bad_voc' });
    const all = [...ds.splits.train, ...(ds.splits.val ?? [])];
    expect(all.map((i) => i.path)).toEqual(['/JPEGImages/d.jpg']);

    await expect(prepareFiles(filesOf({ 'x.xml': '<annotation>\n  <object>\n  </objct>\n</annotation>', 'x.jpg': synthJpeg(0) })))
      .rejects.toThrow('/x.xml:3: </objct> closes <object> (opened on line 2)');
  });
});
