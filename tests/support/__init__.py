"""Test helpers shared by many test files: stores written on the fly, fakes, validators."""
