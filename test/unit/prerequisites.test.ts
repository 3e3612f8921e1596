import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findJava,
  findPython,
  parseJavaMajor,
  parsePythonVersion,
  PrerequisiteError,
} from '../../src/core/localSpark/prerequisites.js';

describe('local Spark prerequisites', () => {
  describe('parseJavaMajor (java -version output)', () => {
    const outputs: [string, string, number][] = [
      [
        'Java 8 (OpenJDK)',
        'openjdk version "1.8.0_392"\nOpenJDK Runtime Environment (Temurin)(build 1.8.0_392-b08)\nOpenJDK 64-Bit Server VM (Temurin)(build 25.392-b08, mixed mode)\n',
        8,
      ],
      [
        'Java 8 (Oracle)',
        'java version "1.8.0_202"\nJava(TM) SE Runtime Environment (build 1.8.0_202-b08)\nJava HotSpot(TM) 64-Bit Server VM (build 25.202-b08, mixed mode)\n',
        8,
      ],
      ['Java 7', 'java version "1.7.0_80"\n', 7],
      [
        'Java 11',
        'openjdk version "11.0.22" 2024-01-16\nOpenJDK Runtime Environment (build 11.0.22+7-post-Ubuntu-0ubuntu222.04.1)\nOpenJDK 64-Bit Server VM (build 11.0.22+7-post-Ubuntu-0ubuntu222.04.1, mixed mode, sharing)\n',
        11,
      ],
      [
        'Java 17',
        'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Ubuntu-0ubuntu124.04)\nOpenJDK 64-Bit Server VM (build 17.0.15+6-Ubuntu-0ubuntu124.04, mixed mode, sharing)\n',
        17,
      ],
      [
        'Java 21 (no minor)',
        'openjdk version "21" 2023-09-19\nOpenJDK Runtime Environment (build 21+35-2513)\nOpenJDK 64-Bit Server VM (build 21+35-2513, mixed mode, sharing)\n',
        21,
      ],
      [
        'Java 21 (Oracle, LTS)',
        'java version "21.0.7" 2025-04-15 LTS\nJava(TM) SE Runtime Environment (build 21.0.7+8-LTS-245)\n',
        21,
      ],
      [
        'Java 25 early access',
        'openjdk version "25-ea" 2025-09-16\nOpenJDK Runtime Environment (build 25-ea+20-2374)\nOpenJDK 64-Bit Server VM (build 25-ea+20-2374, mixed mode, sharing)\n',
        25,
      ],
      ['Java 9', 'java version "9"\n', 9],
      [
        'a JAVA_TOOL_OPTIONS banner first',
        'Picked up JAVA_TOOL_OPTIONS: -Dfile.encoding=UTF8\nopenjdk version "17.0.2" 2022-01-18\n',
        17,
      ],
      [
        'Windows line endings',
        'openjdk version "11.0.2" 2019-01-15\r\nOpenJDK Runtime Environment 18.9 (build 11.0.2+9)\r\n',
        11,
      ],
    ];
    for (const [name, output, major] of outputs) {
      it(`${name} → ${major}`, () => {
        assert.equal(parseJavaMajor(output), major);
      });
    }

    it('returns undefined when there is no version', () => {
      assert.equal(parseJavaMajor(''), undefined);
      assert.equal(parseJavaMajor('bash: java: command not found'), undefined);
      assert.equal(parseJavaMajor('Error: could not find libjava.so'), undefined);
      assert.equal(parseJavaMajor('openjdk version 17.0.2'), undefined, 'the version is quoted');
      assert.equal(parseJavaMajor('openjdk version "ea"'), undefined);
    });
  });

  describe('parsePythonVersion (python --version output)', () => {
    it('reads major, minor and the version text', () => {
      assert.deepEqual(parsePythonVersion('Python 3.12.3\n'), { major: 3, minor: 12, text: '3.12.3' });
      assert.deepEqual(parsePythonVersion('Python 3.10.12'), { major: 3, minor: 10, text: '3.10.12' });
      assert.deepEqual(parsePythonVersion('Python 3.9'), { major: 3, minor: 9, text: '3.9' });
      assert.deepEqual(parsePythonVersion('Python 2.7.18\n'), { major: 2, minor: 7, text: '2.7.18' });
    });

    it('reads the numbers of pre-releases and ignores what follows them', () => {
      assert.deepEqual(parsePythonVersion('Python 3.14.0rc1'), { major: 3, minor: 14, text: '3.14.0' });
      assert.deepEqual(parsePythonVersion('Python 3.13.0a4+'), { major: 3, minor: 13, text: '3.13.0' });
    });

    it('finds the version after other output', () => {
      assert.deepEqual(parsePythonVersion('pyenv: warning\nPython 3.11.9\n'), { major: 3, minor: 11, text: '3.11.9' });
    });

    it('returns undefined when there is no version', () => {
      assert.equal(parsePythonVersion(''), undefined);
      assert.equal(parsePythonVersion('python3: command not found'), undefined);
      assert.equal(parsePythonVersion('Python'), undefined);
      assert.equal(parsePythonVersion('Python 3'), undefined);
      assert.equal(parsePythonVersion('Microsoft Store: Python was not found; run without arguments to install'), undefined);
    });
  });

  describe('configured paths', () => {
    it('a configured Java home without bin/java is refused by name, not replaced by another Java', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'sw-nojdk-'));
      try {
        await assert.rejects(
          findJava(process.env, empty),
          (error: unknown) => error instanceof PrerequisiteError && error.message.includes(`'${empty}', has no bin/java`),
        );
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it('a configured Python that cannot run is named in the message', async () => {
      const missing = join(tmpdir(), 'sw-no-such-dir', 'python3');
      await assert.rejects(
        findPython([missing]),
        (error: unknown) => error instanceof PrerequisiteError && error.message.includes(`'${missing}' could not be run`),
      );
    });
  });
});
